#include "spectrum_ddl.h"

#include "redshift_dialect.h"

namespace chorus::target_redshift {

using sql::TypeKind;

std::string external_column_type(const sql::LogicalType &type) {
  switch (type.kind) {
    case TypeKind::Integer:
    case TypeKind::Float:
    case TypeKind::Boolean:
    case TypeKind::Date:
      return RedshiftDialect().column_type(type);  // as in a table
    case TypeKind::Decimal:
      // Spectrum tables are defined before any data is seen: an unconstrained decimal keeps
      // its exact text rather than a guessed scale.
      if (type.precision <= 0) return "VARCHAR(65535)";
      return RedshiftDialect::bounded_decimal("DECIMAL", type);
    default:
      return "VARCHAR(65535)";
  }
}

std::string create_external_schema(const RedshiftDialect &dialect, const std::string &schema,
                                   const std::string &catalog_database,
                                   const std::string &iam_role) {
  return "CREATE EXTERNAL SCHEMA IF NOT EXISTS " + dialect.quote(schema) +
         " FROM DATA CATALOG DATABASE " + sql::backslash_escaped_literal(catalog_database) +
         " IAM_ROLE " + sql::backslash_escaped_literal(iam_role) +
         " CREATE EXTERNAL DATABASE IF NOT EXISTS";
}

std::string create_external_table(const RedshiftDialect &dialect, const sql::TableName &table,
                                  const std::vector<sql::Column> &columns,
                                  const std::string &location) {
  std::string sql = "CREATE EXTERNAL TABLE " + dialect.qualified(table) + " (";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += dialect.quote(columns[i].name) + " " + external_column_type(columns[i].type);
  }
  sql +=
      ") ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'"
      " WITH SERDEPROPERTIES ('separatorChar' = ',', 'quoteChar' = '\"', 'escapeChar' = " +
      sql::backslash_escaped_literal("\\") + ") STORED AS TEXTFILE LOCATION " +
      sql::backslash_escaped_literal(location) +
      " TABLE PROPERTIES ('serialization.null.format' = '')";
  return sql;
}

std::string add_external_column(const RedshiftDialect &dialect, const sql::TableName &table,
                                const sql::Column &column) {
  return "ALTER TABLE " + dialect.qualified(table) + " ADD COLUMN " + dialect.quote(column.name) +
         " " + external_column_type(column.type);
}

std::string external_columns_query(const sql::TableName &table) {
  return "SELECT columnname FROM svv_external_columns WHERE schemaname = " +
         sql::backslash_escaped_literal(table.schema) +
         " AND tablename = " + sql::backslash_escaped_literal(table.table) + " ORDER BY columnnum";
}

}  // namespace chorus::target_redshift
