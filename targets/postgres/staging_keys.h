// Decides whether a batch can skip the database-side de-duplication before its upsert, and
// whether it carries deletions.
#pragma once

#include <string>
#include <vector>

#include "chorus/singer/record_batch.h"
#include "chorus/sql/table_plan.h"

namespace chorus::target_postgres {

// What a batch holds that decides how it is loaded, found in one pass over its records (a
// batch is too large for the cache; each pass reads it from memory again).
struct BatchFacts {
  // Some record carries _sdc_deleted_at (counted by the batch as records were appended: a
  // SqlSink's batches count it).
  bool has_deletions = false;
  // No two records share a key as PostgreSQL will compare it, so the staging rows can be
  // upserted without the ROW_NUMBER() pass. Decided conservatively: every key column is an
  // integer column and every key value is a canonical integer literal within int64
  // (singer::canonical_integer: "-12", not "012", "+12", "12.0" or "1e1"), so distinct text means
  // distinct numbers, and either one key rises from record to record (a table read in key order) or
  // RecordBatch::last_per_key keeps every record. Any other batch answers false and keeps the
  // de-duplicating upsert.
  bool keys_unique = false;
};

BatchFacts facts_of(const singer::RecordBatch &batch, const sql::TablePlan &plan,
                    const std::vector<std::string> &key_properties);

}  // namespace chorus::target_postgres
