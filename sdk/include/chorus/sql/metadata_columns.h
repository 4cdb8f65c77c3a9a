// The Singer "_sdc_" metadata columns: which there are, their types, and how each is filled
// from a record. Every chorus target that writes them (SQL tables, staged warehouse files,
// CSV and JSON Lines files) takes them from here, so that files and tables agree.
//
//   name                type         value for a record
//   _sdc_extracted_at   TimestampTz  the RECORD's time_extracted (null without one)
//   _sdc_received_at    TimestampTz  when the target read the RECORD (RecordMeta::received_at)
//   _sdc_batched_at     TimestampTz  when the batch holding the record was loaded
//   _sdc_deleted_at     TimestampTz  the record's own _sdc_deleted_at (the tap sets it on
//                                    deletes), else null
//   _sdc_sequence       Integer(8)   RecordMeta::sequence: grows with every record, across runs
//   _sdc_table_version  Integer(8)   the RECORD's version (null without one)
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chorus/singer/message.h"
#include "chorus/sql/dialect.h"

namespace chorus {
struct RecordMeta;  // chorus/plugin/target.h
}

namespace chorus::sql {

inline constexpr std::string_view kExtractedAt = "_sdc_extracted_at";
inline constexpr std::string_view kReceivedAt = "_sdc_received_at";
inline constexpr std::string_view kBatchedAt = "_sdc_batched_at";
inline constexpr std::string_view kDeletedAt = "_sdc_deleted_at";
inline constexpr std::string_view kSequence = "_sdc_sequence";  // order of records; last wins
inline constexpr std::string_view kTableVersion = "_sdc_table_version";  // ACTIVATE_VERSION

// What fills a metadata column.
enum class MetadataSource { ExtractedAt, ReceivedAt, BatchedAt, DeletedAt, Sequence, TableVersion };

struct MetadataField {
  std::string_view name;  // the Singer name, kExtractedAt, ...
  MetadataSource source;
  LogicalType type;  // TimestampTz, or an 8-byte Integer
  // Set by the target anew on every delivery (all but _sdc_deleted_at, which the tap sends):
  // a record sent again differs from its first delivery only in these.
  bool per_delivery;
};

// The six fields, in the order of the table above.
const std::array<MetadataField, 6> &metadata_fields();

// The metadata field named `name` (a Singer name), or nullptr for any other name.
const MetadataField *metadata_field(std::string_view name);

// Whether the target fills the field's column itself: every metadata field but
// _sdc_deleted_at, which the record brings (a change log's deletion mark) and which fills its
// column the way a property does.
bool filled_by_target(const MetadataField &field);

// True for the name of a metadata field that is set per delivery (MetadataField::per_delivery).
bool set_per_delivery(std::string_view name);

// The metadata fields as table columns, in the order above. Their names are the Singer ones
// (what feeds each column, see TablePlan::property_of); metadata_column() gives the name a
// table has for one.
std::vector<Column> metadata_columns();

// The value field `source` has for `record`, as the table above says: text for the timestamps
// (null when the record or `meta` has none), a number for the integers. `batched_at` is the
// RFC 3339 time of the batch. The value may point into `record`, `meta`, `batched_at` or
// `scratch`, which holds the text of a number made here.
singer::Value metadata_value(MetadataSource source, const singer::RecordView &record,
                             const RecordMeta &meta, std::string_view batched_at,
                             std::string &scratch);
// The decimal text of an integer metadata field from record to record: _sdc_sequence grows by
// one (the last number's digits are counted up in place), _sdc_table_version repeats (they are
// kept). Converting each number anew is a noticeable part of writing a row of text.
class CountingDigits {
 public:
  std::string_view of(std::int64_t number);

 private:
  bool count_up();  // false when the number needs one more digit
  std::int64_t last_ = 0;
  char digits_[20] = {};
  std::size_t size_ = 0;
};

// The integer of an integer field (_sdc_sequence, _sdc_table_version) for `record`, for a
// loader that writes numbers without their text; nullopt for a record without a version and
// for the other fields.
std::optional<std::int64_t> metadata_integer(MetadataSource source,
                                             const singer::RecordView &record,
                                             const RecordMeta &meta);

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
