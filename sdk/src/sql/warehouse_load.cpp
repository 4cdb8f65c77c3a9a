#include "chorus/sql/warehouse_load.h"

#include "chorus/plugin/errors.h"
#include "chorus/plugin/target_settings.h"
#include "chorus/sql/statements.h"
#include "chorus/sql/stream_tables.h"
#include "chorus/sql/type_settings.h"

namespace chorus::sql {

const Setting<std::string> kDefaultTargetSchema = Setting<std::string>(
    "default_target_schema",
    "Schema for every stream. When absent, a stream named \"<schema>-<table>\" lands in "
    "<schema>.");
const Setting<nlohmann::json> kGrants =
    Setting<nlohmann::json>("grants", "Per schema, who gets USAGE on it and SELECT on its tables.")
        .with("additionalProperties", {{"type", "array"}, {"items", {{"type", "string"}}}});
const Setting<nlohmann::json> kTargetPartition = Setting<nlohmann::json>(
    "partition",
    "Set by `chorus run --partition K/N` and --finalize, as they set the tap's: a slice leaves "
    "the grants and the table statistics to the final step, which does them once.");

WarehouseSettings WarehouseSettings::from_config(const nlohmann::json &config,
                                                 std::string_view plugin) {
  WarehouseSettings settings;
  settings.default_schema = kDefaultTargetSchema.read(config);
  settings.hard_delete = target_settings::kHardDelete.read(config);
  settings.types = type_options(config);
  settings.partition = table_partition(config, std::string(plugin));
  const std::optional<nlohmann::json> grants = kGrants.find(config);
  if (!grants || grants->is_null()) return settings;
  const std::string where = std::string(plugin) + ": grants";
  if (!grants->is_object()) {
    throw ConfigError(where + " must be an object: {\"<schema>\": [\"<grantee>\", ...]}");
  }
  for (const auto &[schema, entries] : grants->items()) {
    if (!entries.is_array()) {
      throw ConfigError(where + ".\"" + schema + "\" must be an array of grantee names");
    }
    std::vector<std::string> &names = settings.grants[schema];
    for (const auto &entry : entries) {
      if (!entry.is_string() || entry.get<std::string>().empty()) {
        throw ConfigError(where + ".\"" + schema + "\" holds " + entry.dump() +
                          "; each entry must be a grantee name");
      }
      names.push_back(entry.get<std::string>());
    }
  }
  return settings;
}

const std::vector<std::string> &WarehouseSettings::grantees(const std::string &schema) const {
  static const std::vector<std::string> kNone;
  auto found = grants.find(schema);
  return found == grants.end() ? kNone : found->second;
}

nlohmann::json warehouse_settings_properties(std::string_view fallback_schema,
                                             std::string_view grants_example) {
  nlohmann::json properties = type_settings_properties();
  properties["table_names"] = StreamTables::setting_schema();
  properties["default_target_schema"] =
      kDefaultTargetSchema
          .with("description",
                "Schema for every stream. When absent, a stream named \"<schema>-<table>\" "
                "lands in <schema>, any other in " +
                    std::string(fallback_schema) + ".")
          .schema();
  properties["grants"] =
      kGrants
          .with("description", "Per schema, who gets USAGE on it and SELECT on its tables: {" +
                                   std::string(grants_example) + "}.")
          .schema();
  properties["partition"] = kTargetPartition.schema();
  return properties;
}

std::string catalog_columns_query(const Dialect &dialect, const TableName &table,
                                  std::string_view information_schema) {
  return "SELECT column_name, data_type, character_maximum_length, numeric_precision, "
         "numeric_scale FROM " +
         std::string(information_schema) +
         ".columns WHERE table_schema = " + dialect.string_literal(table.schema) +
         " AND table_name = " + dialect.string_literal(table.table) + " ORDER BY ordinal_position";
}

std::optional<std::vector<Column>> existing_columns(const Dialect &dialect,
                                                    const std::vector<CatalogRow> &rows) {
  if (rows.empty()) return std::nullopt;
  std::vector<Column> columns;
  for (const CatalogRow &row : rows) {
    auto value = [&row](std::size_t i) {
      return i < row.size() ? row[i] : std::optional<std::string>();
    };
    CatalogColumn column;
    column.name = value(0).value_or("");
    column.data_type = value(1).value_or("");
    if (auto length = value(2)) column.character_maximum_length = std::stoll(*length);
    if (auto precision = value(3)) column.numeric_precision = std::stoi(*precision);
    if (auto scale = value(4)) column.numeric_scale = std::stoi(*scale);
    columns.push_back({column.name, dialect.parse_catalog_type(column)});
  }
  return columns;
}

std::vector<std::string> prepare_table(const Dialect &dialect, const TableName &table,
                                       const TablePlan &plan) {
  std::vector<std::string> statements{create_schema(dialect, table.schema)};
  if (plan.create_table) {
    // Warehouses that do not enforce primary keys still use them to plan queries.
    statements.push_back(create_table(dialect, table, plan.columns, plan.key_columns));
  }
  for (const Column &column : plan.add) statements.push_back(add_column(dialect, table, column));
  for (const ColumnChange &change : plan.alter) {
    statements.push_back(alter_column_type(dialect, table, change.column, change.to));
  }
  return statements;
}

std::vector<std::string> grant_statements(const Dialect &dialect, const std::string &schema,
                                          const WarehouseSettings &settings) {
  std::vector<std::string> statements;
  for (const std::string &grantee : settings.grantees(schema)) {
    for (std::string &grant : grant_read(dialect, schema, grantee)) {
      statements.push_back(std::move(grant));
    }
  }
  return statements;
}

}  // namespace chorus::sql
