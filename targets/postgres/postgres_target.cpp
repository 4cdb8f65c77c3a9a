// target-postgres: loads Singer streams into PostgreSQL tables with COPY and upserts.
#include <memory>

#include "chorus/pg/connection.h"
#include "chorus/plugin/entry.h"
#include "chorus/plugin/setting.h"
#include "chorus/plugin/target.h"
#include "chorus/plugin/target_settings.h"
#include "chorus/sql/stream_tables.h"
#include "chorus/sql/type_settings.h"
#include "chorus/sql/warehouse_load.h"
#include "copy_connections.h"
#include "postgres_sink.h"

namespace chorus::target_postgres {

const Setting<std::size_t> kParallelCopies =
    Setting<std::size_t>(
        "parallel_copies",
        "Connections that COPY slices of one batch into a keyed table at once, while no key "
        "repeats. Slices commit on their own; a replay after a failure is harmless because the "
        "table's primary key turns it into an upsert. 1: one connection, one transaction per "
        "batch.")
        .at_least(1)
        .with("maximum", 8)
        .defaults_to(2);

class PostgresTarget : public Target {
 public:
  static PluginInfo info() {
    // Its own words for a common target setting: this target also hard-deletes records that
    // carry _sdc_deleted_at.
    const Setting<bool> hard_delete = target_settings::kHardDelete.with(
        "description",
        "Delete rows instead of marking them: records with _sdc_deleted_at, and rows of older "
        "versions on ACTIVATE_VERSION. Off: such rows keep _sdc_deleted_at set.");
    // The sinks read default_target_schema and grants through sql::WarehouseSettings.
    const Setting<std::string> default_target_schema = sql::kDefaultTargetSchema.with(
        "description",
        "Schema for every stream. When absent, a stream named \"<schema>-<table>\" lands in "
        "<schema>, any other in public.");
    const Setting<nlohmann::json> grants = sql::kGrants.with(
        "description",
        "Per schema, the roles that get USAGE on it and SELECT on all its tables after a load: "
        "{\"analytics\": [\"reporter\"]}.");
    const nlohmann::json settings = SettingList{&default_target_schema, &grants, &hard_delete,
                                                &kParallelCopies, &sql::kTargetPartition}
                                        .add(pg::connection_setting_list())
                                        .add(sql::type_settings_properties())
                                        .add({{"table_names", sql::StreamTables::setting_schema()}})
                                        .schema();
    return {"target-postgres",
            "0.1.0",
            "Loads Singer streams into PostgreSQL tables (COPY, then upsert).",
            {"about", "activate-version", "soft-delete", "hard-delete", "validate-records"},
            with_common_target_settings(settings)};
  }

  PostgresTarget(PluginContext context, nlohmann::json config)
      : Target(context, std::move(config)),
        settings_(sql::WarehouseSettings::from_config(this->config(), "target-postgres")),
        tables_(this->config(), "target-postgres") {}

  std::unique_ptr<Sink> make_sink(const StreamInfo &stream) override {
    if (!connection_) {
      pg::ConnectionSettings settings = pg::connection_settings(config());
      connection_ = std::make_unique<pg::Connection>(settings, "target-postgres");
      prepare_session(*connection_);
      copy_connections_ =
          std::make_unique<CopyConnections>(settings, kParallelCopies.read(config()) - 1);
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
