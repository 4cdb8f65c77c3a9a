// What every warehouse target that loads through a staging table does the same way, as config
// and SQL text: the settings it reads, the catalog query that tells what a table already has,
// the statements that create or evolve the table, and the grants. Running the statements is the
// target's business; chorus/warehouse/staged_sink.h strings these together with S3 staging.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chorus/plugin/setting.h"
#include "chorus/plugin/table_bookmarks.h"
#include "chorus/sql/dialect.h"
#include "chorus/sql/table_plan.h"

namespace chorus::sql {

// "default_target_schema" and "grants" of every SQL target, declared once and read by
// WarehouseSettings::from_config() and StreamTables. A target publishes them in its own words
// (warehouse_settings_properties() does for the warehouses) with .with("description", ...).
extern const Setting<std::string> kDefaultTargetSchema;
extern const Setting<nlohmann::json> kGrants;
// "partition" of every SQL target, which `chorus run --partition K/N` and `--finalize` set to
// the value they give the tap (TablePartition, chorus/plugin/table_bookmarks.h). A slice grants
// nothing and gathers no statistics: N slices would repeat that work at once (and PostgreSQL
// refuses concurrent GRANTs on one table: "tuple concurrently updated"); the final step does
// both once, after each stream's ACTIVATE_VERSION. Absent: an ordinary run.
extern const Setting<nlohmann::json> kTargetPartition;

// One row of a query's result: every value as text, NULL as nullopt.
using CatalogRow = std::vector<std::optional<std::string>>;

// The settings every staged warehouse target reads the same way.
struct WarehouseSettings {
  std::string default_schema;  // default_target_schema; empty: the stream name picks the schema
  bool hard_delete = false;    // hard_delete: delete rows instead of marking _sdc_deleted_at
  TypeOptions types;           // numbers_as_float (see type_settings.h)
  // grants: per schema, as the config spells it, the entries that get read access (see
  // Dialect::grantee for what an entry may say).
  std::map<std::string, std::vector<std::string>> grants;
  TablePartition partition;  // partition: a slice, or the final step, of a partitioned sync
  // A slice of a partitioned sync: its grants and statistics wait for the final step.
  bool defers_once_only_work() const { return partition.active() && !partition.finalize; }

  // Reads the settings above from a plugin config. Throws ConfigError naming `plugin` and the
  // schema when "grants" is not an object of string arrays.
  static WarehouseSettings from_config(const nlohmann::json &config, std::string_view plugin);

  // The grants entries of `schema`; empty when it has none.
  const std::vector<std::string> &grantees(const std::string &schema) const;
};

// The JSON Schema properties "default_target_schema", "grants" and type_settings_properties(),
// described for a warehouse
// whose streams without a schema in their name land in `fallback_schema` and whose grants
// entries look like `grants_example` (one schema's entry, e.g. "\"analytics\": [\"GROUP a\"]").
nlohmann::json warehouse_settings_properties(std::string_view fallback_schema,
                                             std::string_view grants_example);

// The columns of `table` as the catalog describes them, in table order:
//   SELECT column_name, data_type, character_maximum_length, numeric_precision, numeric_scale
//   FROM <information_schema>.columns WHERE table_schema = '<s>' AND table_name = '<t>'
//   ORDER BY ordinal_position
// `information_schema` is spliced in as is (a warehouse may qualify it with a database); the
// names are dialect.string_literal()s.
std::string catalog_columns_query(const Dialect &dialect, const TableName &table,
                                  std::string_view information_schema = "information_schema");

// The rows of catalog_columns_query() as the table's columns, typed by
// dialect.parse_catalog_type(), or nullopt when there are none (the table does not exist): what
// plan_table() takes as `existing`.
std::optional<std::vector<Column>> existing_columns(const Dialect &dialect,
                                                    const std::vector<CatalogRow> &rows);

// The statements that make `table` what `plan` needs, in order: CREATE SCHEMA IF NOT EXISTS,
// CREATE TABLE (when plan.create_table), ADD COLUMN per plan.add, ALTER per plan.alter. Each is
// meant to commit on its own: some warehouses refuse to change a column's type in a transaction
// block.
std::vector<std::string> prepare_table(const Dialect &dialect, const TableName &table,
                                       const TablePlan &plan);

// grant_read() for every grants entry of `schema` in `settings`, in config order.
std::vector<std::string> grant_statements(const Dialect &dialect, const std::string &schema,
                                          const WarehouseSettings &settings);

}  // namespace chorus::sql
