#include "spectrum_catalog.h"

#include "spectrum_ddl.h"

namespace chorus::target_redshift {
namespace {

// PostgreSQL string literal (standard_conforming_strings: only quotes are doubled).
std::string pg_literal(const std::string &text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out.push_back(c);
    out.push_back(c);
  }
  return out + "'";
}

class RedshiftExternalCatalog final : public ExternalCatalog {
 public:
  explicit RedshiftExternalCatalog(Session &session) : session_(session) {}

  std::vector<std::string> columns(const sql::TableName &table) override {
    std::vector<std::string> names;
    for (const auto &row : session_.query(external_columns_query(table))) {
      names.push_back(row[0].value_or(""));
    }
    return names;
  }

  void apply(const std::string &statement, const sql::TableName &,
             const std::vector<std::string> &) override {
    session_.execute(statement);
  }

 private:
  Session &session_;
};

class StandinExternalCatalog final : public ExternalCatalog {
 public:
  explicit StandinExternalCatalog(Session &session) : session_(session) {
    // Two test processes may create the schema at the same moment; the loser's IF NOT EXISTS
    // can still fail on the catalog's unique index, and a second attempt then finds it.
    for (int attempt = 0;; ++attempt) {
      try {
        session_.execute("CREATE SCHEMA IF NOT EXISTS _chorus_standin");
        session_.execute(
            "CREATE TABLE IF NOT EXISTS _chorus_standin.external_statements ("
            "id BIGSERIAL PRIMARY KEY, statement TEXT NOT NULL)");
        session_.execute(
            "CREATE TABLE IF NOT EXISTS _chorus_standin.external_columns ("
            "schemaname TEXT NOT NULL, tablename TEXT NOT NULL, columnname TEXT NOT NULL, "
            "columnnum INTEGER NOT NULL)");
        break;
      } catch (const std::exception &) {
        if (attempt > 0) throw;
      }
    }
  }

  std::vector<std::string> columns(const sql::TableName &table) override {
    std::vector<std::string> names;
    for (const auto &row : session_.query(
             "SELECT columnname FROM _chorus_standin.external_columns WHERE schemaname = " +
             pg_literal(table.schema) + " AND tablename = " + pg_literal(table.table) +
             " ORDER BY columnnum")) {
      names.push_back(row[0].value_or(""));
    }
    return names;
  }

  void apply(const std::string &statement, const sql::TableName &table,
             const std::vector<std::string> &added_columns) override {
    session_.execute("INSERT INTO _chorus_standin.external_statements (statement) VALUES (" +
                     pg_literal(statement) + ")");
    for (const std::string &column : added_columns) {
      session_.execute(
          "INSERT INTO _chorus_standin.external_columns SELECT " + pg_literal(table.schema) + ", " +
          pg_literal(table.table) + ", " + pg_literal(column) +
          ", COALESCE(MAX(columnnum), 0) + 1 FROM _chorus_standin.external_columns WHERE "
          "schemaname = " +
          pg_literal(table.schema) + " AND tablename = " + pg_literal(table.table));
    }
  }

 private:
  Session &session_;
};

}  // namespace

std::unique_ptr<ExternalCatalog> make_redshift_external_catalog(Session &session) {
  return std::make_unique<RedshiftExternalCatalog>(session);
}

std::unique_ptr<ExternalCatalog> make_standin_external_catalog(Session &session) {
  return std::make_unique<StandinExternalCatalog>(session);
}

}  // namespace chorus::target_redshift
