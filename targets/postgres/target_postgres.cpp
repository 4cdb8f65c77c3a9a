// target-postgres: loads Singer streams into PostgreSQL tables with COPY and upserts.
#include <memory>

#include "chorus/pg/connection.h"
#include "chorus/plugin/entry.h"
#include "chorus/plugin/target.h"
#include "chorus/sql/stream_tables.h"
#include "chorus/sql/type_settings.h"
#include "chorus/sql/warehouse_load.h"
#include "copy_connections.h"
#include "postgres_sink.h"

namespace chorus::target_postgres {

class PostgresTarget : public Target {
 public:
  static PluginInfo info() {
    nlohmann::json properties = pg::connection_settings_properties();
    properties.update(sql::type_settings_properties());
    properties["table_names"] = sql::StreamTables::setting_schema();
    properties["default_target_schema"] = {
        {"type", "string"},
        {"description",
         "Schema for every stream. When absent, a stream named \"<schema>-<table>\" lands in "
         "<schema>, any other in public."}};
    properties["grants"] = {
        {"type", "object"},
        {"additionalProperties", {{"type", "array"}, {"items", {{"type", "string"}}}}},
        {"description",
         "Per schema, the roles that get USAGE on it and SELECT on all its tables after a "
         "load: {\"analytics\": [\"reporter\"]}."}};
    properties["hard_delete"] = {
        {"type", "boolean"},
        {"default", false},
        {"description",
         "Delete rows instead of marking them: records with _sdc_deleted_at, and rows of older "
         "versions on ACTIVATE_VERSION. Off: such rows keep _sdc_deleted_at set."}};
    properties["parallel_copies"] = {
        {"type", "integer"},
        {"minimum", 1},
        {"maximum", 8},
        {"default", 2},
        {"description",
         "Connections that COPY slices of one batch into a keyed table at once, while no key "
         "repeats. Slices commit on their own; a replay after a failure is harmless because "
         "the table's primary key turns it into an upsert. 1: one connection, one transaction "
         "per batch."}};
    PluginInfo info;
    info.name = "target-postgres";
    info.version = "0.1.0";
    info.description = "Loads Singer streams into PostgreSQL tables (COPY, then upsert).";
    info.capabilities = {"about", "activate-version", "soft-delete", "hard-delete",
                         "validate-records"};
    info.settings = with_common_target_settings(
        {{"type", "object"}, {"properties", properties}, {"required", {"dbname"}}});
    return info;
  }

  PostgresTarget(PluginContext context, nlohmann::json config)
      : Target(std::move(context), std::move(config)),
        settings_(sql::WarehouseSettings::from_config(this->config(), "target-postgres")),
        tables_(this->config(), "target-postgres") {}

  std::unique_ptr<Sink> make_sink(const StreamInfo &stream) override {
    if (!connection_) {
      pg::ConnectionSettings settings = pg::connection_settings(config());
      connection_ = std::make_unique<pg::Connection>(settings, "target-postgres");
      prepare_session(*connection_);
      copy_connections_ = std::make_unique<CopyConnections>(
          settings, static_cast<std::size_t>(config().value("parallel_copies", 2) - 1));
    }
    return std::make_unique<PostgresSink>(stream, config(), context(), dialect_, settings_,
                                          *connection_, *copy_connections_, tables_);
  }

 private:
  std::unique_ptr<pg::Connection> connection_;
  std::unique_ptr<CopyConnections> copy_connections_;
  sql::PostgresDialect dialect_;
  sql::WarehouseSettings settings_;
  sql::StreamTables tables_;
};

}  // namespace chorus::target_postgres

CHORUS_PLUGIN(chorus::target_postgres::PostgresTarget)
