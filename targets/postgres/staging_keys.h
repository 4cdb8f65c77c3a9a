// Decides whether a batch can skip the database-side de-duplication before its upsert.
#pragma once

#include <string>
#include <vector>

#include "chorus/singer/record_batch.h"
#include "chorus/sql/table_plan.h"

namespace chorus::target_postgres {

// True when no two records of `batch` share a key as PostgreSQL will compare it, so the
// staging rows can be upserted without the ROW_NUMBER() pass. Decided conservatively: every
// key column is an integer column and every key value is a canonical integer literal
// ("-12", not "012", "+12", "12.0" or "1e1"), so distinct text means distinct numbers, and
// RecordBatch::last_per_key keeps every record. Any other batch answers false and keeps the
// de-duplicating upsert.
bool keys_unique_for_database(const singer::RecordBatch &batch, const sql::TablePlan &plan,
                              const std::vector<std::string> &key_properties);

}  // namespace chorus::target_postgres
