// The Singer "_sdc_" metadata columns every chorus SQL target adds, and where a stream lands.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "chorus/singer/message.h"
#include "chorus/sql/dialect.h"

namespace chorus::sql {

inline constexpr std::string_view kExtractedAt = "_sdc_extracted_at";  // RECORD time_extracted
inline constexpr std::string_view kReceivedAt = "_sdc_received_at";    // target read the RECORD
inline constexpr std::string_view kBatchedAt = "_sdc_batched_at";      // batch was loaded
inline constexpr std::string_view kDeletedAt = "_sdc_deleted_at";      // set by the tap on deletes
inline constexpr std::string_view kSequence = "_sdc_sequence";  // order of records; last wins
inline constexpr std::string_view kTableVersion = "_sdc_table_version";  // ACTIVATE_VERSION

// The metadata columns in the order above: timestamps with time zone, sequence and table
// version as 8-byte integers. Their names are the Singer ones (what feeds each column, see
// TablePlan::property_of); metadata_column() gives the name a table has for one.
std::vector<Column> metadata_columns();

// The column metadata column `name` (kDeletedAt, ...) gets in a table of `dialect`:
// dialect.safe_name(name), as plan_table() names it. "_SDC_DELETED_AT" in a dialect that
// folds to upper case; unchanged where the dialect keeps or lowers case.
std::string metadata_column(const Dialect &dialect, std::string_view name);

// True when `record` carries a non-null "_sdc_deleted_at": the tap says it was deleted.
bool marks_deletion(const singer::RecordView &record);

// Where stream `stream` lands, by the Singer convention "<schema>-<table>":
//  - the table is the part after the first '-', or the whole name when it has none;
//  - the schema is `default_schema` when not empty, else the part before the first '-', else
//    `fallback_schema`.
// Both names pass through dialect.safe_name(), so a hostile stream name still gives a valid,
// predictable table name.
TableName table_for_stream(const Dialect &dialect, std::string_view stream,
                           std::string_view default_schema, std::string_view fallback_schema);

}  // namespace chorus::sql
