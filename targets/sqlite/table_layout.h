// The columns a stream gets in SQLite, and how each JSON Schema type is stored.
//
// Type mapping (declared column type, and so SQLite's column affinity):
//   integer                          -> INTEGER; a value beyond 64 bits is refused (SQLite would
//                                        turn it into a rounded REAL)
//   number                           -> no declared type (no affinity), each value stored as
//                                        exact_number.h says: INTEGER, REAL or TEXT, whichever
//                                        gives back the digits as sent. SQLite's arithmetic
//                                        reads TEXT numbers as REAL, so sums of huge or
//                                        very precise values round there, not in the table.
//   number with numbers_as_float, or an "x-sql-datatype" of double/float/real
//                                    -> REAL (rounded to a double, on purpose)
//   boolean                          -> BOOLEAN, stored as 0 or 1
//   string (any format), object, array, mixed types -> TEXT (JSON text for objects/arrays)
//   the _sdc_ metadata columns by their logical types: the integers -> INTEGER, the timestamps
//                                        -> TEXT (RFC 3339)
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chorus/sql/logical_type.h"
#include "chorus/sql/metadata_columns.h"

namespace chorus::target_sqlite {

// Number: no affinity (exact_number.h); Text also for existing TEXT columns of numbers.
enum class Affinity { Integer, Real, Number, Text, Boolean };

struct TableColumn {
  std::string name;
  std::string declared_type;  // "INTEGER", "REAL", "TEXT", "BOOLEAN", "" (no affinity)
  Affinity affinity = Affinity::Text;
  // The _sdc_ metadata field that fills the column (chorus/sql/metadata_columns.h), or null
  // when the record's property of the same name does (also for _sdc_deleted_at, which the tap
  // sends).
  const sql::MetadataField *metadata = nullptr;
};

// The schema's properties in the tap's order (`property_order`, see singer::property_names()),
// then (with `add_metadata`) the _sdc_ columns the schema does not declare itself.
std::vector<TableColumn> plan_columns(const nlohmann::json &schema,
                                      const std::vector<std::string> &property_order,
                                      bool add_metadata, const sql::TypeOptions &options);

// The affinity SQLite gives a column declared as `declared_type` (its rules, in order: INT,
// CHAR/CLOB/TEXT, BLOB or nothing, REAL/FLOA/DOUB, else NUMERIC, which stores like Real).
Affinity affinity_of_declared(const std::string &declared_type);

// The _sdc_deleted_at or _sdc_table_version column, for adding them when needed.
TableColumn deleted_at_column();
TableColumn table_version_column();

}  // namespace chorus::target_sqlite
