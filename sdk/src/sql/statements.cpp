#include "chorus/sql/statements.h"

#include <algorithm>

#include "chorus/sql/metadata_columns.h"

namespace chorus::sql {
std::string column_list(const Dialect &dialect, const std::vector<Column> &columns,
                        const std::string &prefix) {
  std::string out;
  for (const auto &column : columns) {
    if (!out.empty()) out += ", ";
    out += prefix + dialect.quote(column.name);
  }
  return out;
}

namespace {

std::string name_list(const Dialect &dialect, const std::vector<std::string> &names) {
  std::string out;
  for (const auto &name : names) {
    if (!out.empty()) out += ", ";
    out += dialect.quote(name);
  }
  return out;
}

std::string column_definitions(const Dialect &dialect, const std::vector<Column> &columns) {
  std::string out;
  for (const auto &column : columns) {
    if (!out.empty()) out += ", ";
    out += dialect.quote(column.name) + " " + dialect.column_type(column.type);
  }
  return out;
}

bool is_key(const std::vector<std::string> &keys, const std::string &name) {
  return std::find(keys.begin(), keys.end(), name) != keys.end();
}

std::string key_match(const Dialect &dialect, const std::vector<std::string> &keys,
                      const std::string &left, const std::string &right) {
  std::string out;
  for (const auto &key : keys) {
    if (!out.empty()) out += " AND ";
    out += left + "." + dialect.quote(key) + " = " + right + "." + dialect.quote(key);
  }
  return out;
}

// A metadata column or alias of the load statements, named as the dialect names them (so a
// dialect that folds to upper case finds the "_SDC_..." columns plan_table() created).
std::string metadata_name(const Dialect &dialect, std::string_view name) {
  return dialect.quote(metadata_column(dialect, name));
}

std::string older_version(const Dialect &dialect, std::int64_t version) {
  std::string column = metadata_name(dialect, kTableVersion);
  return column + " IS NULL OR " + column + " < " + std::to_string(version);
}

}  // namespace

std::string create_schema(const Dialect &dialect, const std::string &schema) {
  return "CREATE SCHEMA IF NOT EXISTS " + dialect.quote(schema);
}

std::string create_table(const Dialect &dialect, const TableName &table,
                         const std::vector<Column> &columns,
                         const std::vector<std::string> &key_columns) {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + dialect.qualified(table) + " (" +
                    column_definitions(dialect, columns);
  if (!key_columns.empty()) sql += ", PRIMARY KEY (" + name_list(dialect, key_columns) + ")";
  return sql + ")";
}

std::string create_staging_table(const Dialect &dialect, const TableName &staging,
                                 const std::vector<Column> &columns) {
  return dialect.create_staging_table_prefix() + " " + dialect.qualified(staging) + " (" +
         column_definitions(dialect, columns) + ")";
}

std::string add_column(const Dialect &dialect, const TableName &table, const Column &column) {
  return "ALTER TABLE " + dialect.qualified(table) + " ADD COLUMN " + dialect.quote(column.name) +
         " " + dialect.column_type(column.type);
}

std::string alter_column_type(const Dialect &dialect, const TableName &table,
                              const std::string &column, const LogicalType &to) {
  return "ALTER TABLE " + dialect.qualified(table) + " " + dialect.alter_type_clause(column, to);
}

std::string deduplicated_select(const Dialect &dialect, const TableName &staging,
                                const std::vector<Column> &columns,
                                const std::vector<std::string> &key_columns) {
  std::string columns_text = column_list(dialect, columns);
  if (key_columns.empty()) {
    return "SELECT " + columns_text + " FROM " + dialect.qualified(staging);
  }
  std::string row_number = metadata_name(dialect, "_sdc_row_number");
  return "SELECT " + columns_text + " FROM (SELECT " + columns_text +
         ", ROW_NUMBER() OVER (PARTITION BY " + name_list(dialect, key_columns) + " ORDER BY " +
         metadata_name(dialect, kSequence) + " DESC) AS " + row_number + " FROM " +
         dialect.qualified(staging) + ") AS " + metadata_name(dialect, "_sdc_ranked") + " WHERE " +
         row_number + " = 1";
}

namespace {
const std::vector<std::string> kNoKeys;
}  // namespace

std::vector<std::string> upsert_from_staging(const Dialect &dialect, const TableName &table,
                                             const TableName &staging,
                                             const std::vector<Column> &columns,
                                             const std::vector<std::string> &key_columns,
                                             bool staging_keys_unique) {
  std::string target = dialect.qualified(table);
  std::string columns_text = column_list(dialect, columns);
  std::string insert_head = "INSERT INTO " + target + " (" + columns_text + ") ";
  if (key_columns.empty()) {
    return {insert_head + "SELECT " + columns_text + " FROM " + dialect.qualified(staging)};
  }
  std::string dedup =
      deduplicated_select(dialect, staging, columns, staging_keys_unique ? kNoKeys : key_columns);
  std::vector<Column> non_keys;
  for (const auto &column : columns) {
    if (!is_key(key_columns, column.name)) non_keys.push_back(column);
  }

  switch (dialect.upsert_method()) {
    case UpsertMethod::InsertOnConflict: {
      std::string sql =
          insert_head + dedup + " ON CONFLICT (" + name_list(dialect, key_columns) + ") DO ";
      if (non_keys.empty()) return {sql + "NOTHING"};
      sql += "UPDATE SET ";
      for (std::size_t i = 0; i < non_keys.size(); ++i) {
        if (i) sql += ", ";
        std::string name = dialect.quote(non_keys[i].name);
        sql += name + " = EXCLUDED." + name;
      }
      return {sql};
    }
    case UpsertMethod::Merge: {
      std::string source = metadata_name(dialect, "_sdc_source");
      std::string sql = "MERGE INTO " + target + " USING (" + dedup + ") AS " + source + " ON " +
                        key_match(dialect, key_columns, target, source);
      if (!non_keys.empty()) {
        sql += " WHEN MATCHED THEN UPDATE SET ";
        for (std::size_t i = 0; i < non_keys.size(); ++i) {
          if (i) sql += ", ";
          std::string name = dialect.quote(non_keys[i].name);
          sql += name + " = " + source + "." + name;
        }
      }
      sql += " WHEN NOT MATCHED THEN INSERT (" + columns_text + ") VALUES (" +
             column_list(dialect, columns, source + ".") + ")";
      return {sql};
    }
    case UpsertMethod::DeleteInsert: {
      std::string stage = dialect.qualified(staging);
      return {"DELETE FROM " + target + " USING " + stage + " WHERE " +
                  key_match(dialect, key_columns, target, stage),
              insert_head + dedup};
    }
  }
  return {};
}

std::string keep_values_of_deleted_rows(const Dialect &dialect, const TableName &table,
                                        const TableName &staging,
                                        const std::vector<Column> &columns,
                                        const std::vector<std::string> &key_columns) {
  if (key_columns.empty()) return {};
  std::vector<std::string> metadata;
  for (const auto &column : metadata_columns())
    metadata.push_back(metadata_column(dialect, column.name));
  std::string target = dialect.qualified(table);
  std::string source = dialect.qualified(staging);
  std::string assignments;
  for (const auto &column : columns) {
    if (is_key(key_columns, column.name) || is_key(metadata, column.name)) continue;
    std::string name = dialect.quote(column.name);
    assignments += (assignments.empty() ? "" : ", ") + name + " = COALESCE(" + source + "." + name +
                   ", " + target + "." + name + ")";
  }
  if (assignments.empty()) return {};
  return "UPDATE " + source + " SET " + assignments + " FROM " + target + " WHERE " + source + "." +
         dialect.quote(metadata_column(dialect, kDeletedAt)) + " IS NOT NULL AND " +
         key_match(dialect, key_columns, source, target);
}

std::string delete_marked_rows(const Dialect &dialect, const TableName &table) {
  return "DELETE FROM " + dialect.qualified(table) + " WHERE " +
         metadata_name(dialect, kDeletedAt) + " IS NOT NULL";
}

std::string retire_old_versions(const Dialect &dialect, const TableName &table,
                                std::int64_t version, bool hard_delete) {
  if (hard_delete) {
    return "DELETE FROM " + dialect.qualified(table) + " WHERE " + older_version(dialect, version);
  }
  std::string deleted = metadata_name(dialect, kDeletedAt);
  return "UPDATE " + dialect.qualified(table) + " SET " + deleted + " = " +
         dialect.current_timestamp() + " WHERE (" + older_version(dialect, version) + ") AND " +
         deleted + " IS NULL";
}

std::string drop_table(const Dialect &dialect, const TableName &table) {
  return "DROP TABLE IF EXISTS " + dialect.qualified(table);
}

std::string grant_usage(const Dialect &dialect, const std::string &schema,
                        const std::string &grantee) {
  return "GRANT USAGE ON SCHEMA " + dialect.quote(schema) + " TO " + dialect.grantee(grantee);
}

std::vector<std::string> grant_read(const Dialect &dialect, const std::string &schema,
                                    const std::string &role) {
  return {grant_usage(dialect, schema, role), "GRANT SELECT ON ALL TABLES IN SCHEMA " +
                                                  dialect.quote(schema) + " TO " +
                                                  dialect.grantee(role)};
}

}  // namespace chorus::sql
