// Where each stream of a run lands, with one promise: two different streams never load into
// the same table. Streams "sales-orders" and "archive-orders" both become table "orders" once
// default_target_schema puts them in one schema; the second one's SCHEMA is refused, naming
// both, unless the "table_names" setting maps one of them elsewhere:
//   "table_names": {"archive-orders": "archive_orders"}   (or "schema.table")
// One StreamTables per target run; claim() may be called from any thread.
#pragma once

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "chorus/sql/dialect.h"

namespace chorus::sql {

class StreamTables {
 public:
  // Reads "default_target_schema" and "table_names" from `config`; ConfigError when
  // "table_names" is not an object of strings. `plugin` names the target in messages.
  StreamTables(const nlohmann::json &config, std::string plugin);

  // The table of `stream`: its "table_names" entry when it has one, else table_for_stream()
  // with default_target_schema and `fallback_schema`. Throws FatalError when another stream of
  // this run already has that table (names compared as `dialect` compares them, and case-
  // insensitively when `case_insensitive`, as SQLite does).
  TableName claim(const Dialect &dialect, const std::string &stream,
                  std::string_view fallback_schema, bool case_insensitive = false);

  // For a database without schemas or dialect (SQLite): the "table_names" entry of `stream`,
  // or the stream's own name; then claim_name() refuses a name another stream has.
  std::string table_name(const std::string &stream) const;
  void claim_name(const std::string &name, const std::string &stream, bool case_insensitive);

  // The "table_names" setting's JSON Schema.
  static nlohmann::json setting_schema();

  const std::string &default_schema() const { return default_schema_; }

 private:
  std::string plugin_;
  std::string default_schema_;
  std::map<std::string, std::string> table_names_;
  std::mutex mutex_;
  std::map<std::string, std::string> owners_;  // table key -> stream
  void claim_key(std::string key, const std::string &shown, const std::string &table_only,
                 const std::string &stream, bool case_insensitive);
};

}  // namespace chorus::sql
