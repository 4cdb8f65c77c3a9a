// Schema evolution: given what a table has and what a stream's SCHEMA asks for, decide the
// columns to add and to widen. The policy never drops or rewrites data:
//  - a property without a column gets a new nullable column;
//  - a property whose type fits the existing column uses it as is;
//  - a property whose type is a widening of the column (widened()) that the dialect can apply
//    in place (Dialect::can_alter_type) widens the column;
//  - any other change (incompatible, or a widening the dialect cannot apply) leaves the old
//    column and its data untouched and loads into a versioned column "<name>__v2" (then __v3,
//    ...): the planner reuses the newest existing version when the new type fits it;
//  - a column the new schema no longer has stays; new rows get NULL there;
//  - a key property is never versioned (the primary key would no longer hold): an
//    incompatible key change is an error naming the stream, the property and both types.
// The _sdc_ metadata columns (metadata_columns()) are always part of the plan.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chorus/sql/dialect.h"

namespace chorus::sql {

struct ColumnChange {
  std::string column;
  LogicalType from;
  LogicalType to;
};

struct TablePlan {
  bool create_table = false;  // the table does not exist yet: create it with `columns`
  // The columns a load writes, in load order: the stream's properties (by name) then the
  // metadata columns the schema does not already declare.
  std::vector<Column> columns;
  // property_of[i] is the record property (or metadata column name) that feeds columns[i].
  std::vector<std::string> property_of;
  std::vector<std::string> key_columns;  // column names of the stream's key properties
  std::vector<Column> add;               // ALTER TABLE ADD COLUMN (empty when create_table)
  std::vector<ColumnChange> alter;       // in-place widenings
  // One sentence per decision a user may want to know about ("property 'amount' changed from
  // integer(8) to text; loading into new column amount__v2, column amount kept").
  std::vector<std::string> notices;
};

// The column `property` (a record property, or a metadata column's Singer name such as
// kSequence) feeds in `plan`, or nullptr when the plan has none.
const Column *column_fed_by(const TablePlan &plan, std::string_view property);

// Plans the table of stream `stream` (for messages) with JSON Schema `schema` (an object
// schema with "properties") and `key_properties`. `existing` is the table's current columns,
// or nullopt when the table does not exist. Property names map to columns with
// dialect.safe_name(); two properties that would get the same column (after case folding or
// shortening) are told apart by appending hash_suffix(property) to the later one. Throws
// chorus::FatalError on an incompatible key change or a key property missing from the schema.
// New columns follow `property_order` (StreamInfo::property_order: the tap's order), then any
// other property in sorted order. `options` are the user's type choices (logical_type_of()).
TablePlan plan_table(const Dialect &dialect, const std::string &stream,
                     const nlohmann::json &schema, const std::vector<std::string> &key_properties,
                     const std::optional<std::vector<Column>> &existing,
                     const std::vector<std::string> &property_order = {},
                     const TypeOptions &options = {});

}  // namespace chorus::sql
