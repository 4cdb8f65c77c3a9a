// The columns a stream gets in SQLite, and how each JSON Schema type is stored.
//
// Type mapping (declared column type, and so SQLite's column affinity):
//   integer                          -> INTEGER
//   number marked as an exact decimal ("x-sql-type": "decimal", "multipleOf" 10^-s, or
//   "x-sql-precision")              -> TEXT: the number's original digits, kept exactly
//                                        ("1234.50" stays "1234.50"). SQLite has no decimal
//                                        type and REAL or NUMERIC affinity would round it to a
//                                        double. Compare such columns with CAST(x AS REAL) or
//                                        the decimal extension.
//   other number                     -> REAL (the JSON Schema says it is a float)
//   boolean                          -> BOOLEAN, stored as 0 or 1
//   string (any format), object, array, mixed types -> TEXT (JSON text for objects/arrays)
//   _sdc_sequence, _sdc_table_version -> INTEGER; the other _sdc_ columns -> TEXT (RFC 3339)
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace chorus::sqlite_target {

enum class Affinity { Integer, Real, Text, Boolean };

// Where a column's value comes from.
enum class ColumnSource {
  Property,      // the record's property of the same name (also _sdc_deleted_at)
  ExtractedAt,   // the RECORD's time_extracted
  ReceivedAt,    // when the target read the RECORD
  BatchedAt,     // when the batch was loaded
  Sequence,      // the record's sequence number in this run
  TableVersion,  // the RECORD's version
};

struct TableColumn {
  std::string name;
  std::string declared_type;  // "INTEGER", "REAL", "TEXT", "BOOLEAN"
  Affinity affinity = Affinity::Text;
  ColumnSource source = ColumnSource::Property;
};

// The schema's properties in the tap's order (`property_order`, see singer::property_names()),
// then (with `add_metadata`) the _sdc_ columns the schema does not declare itself.
std::vector<TableColumn> plan_columns(const nlohmann::json &schema,
                                      const std::vector<std::string> &property_order,
                                      bool add_metadata);

// The _sdc_deleted_at or _sdc_table_version column, for adding them when needed.
TableColumn deleted_at_column();
TableColumn table_version_column();

}  // namespace chorus::sqlite_target
