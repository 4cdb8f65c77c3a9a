// tap-postgres: tables and views of a PostgreSQL database as Singer streams.
#include <memory>
#include <mutex>
#include <vector>

#include "chorus/pg/connection.h"
#include "chorus/plugin/entry.h"
#include "chorus/plugin/setting.h"
#include "chorus/plugin/table_bookmarks.h"
#include "table_discovery.h"
#include "table_stream.h"

namespace chorus::tap_postgres {

const Setting<std::vector<std::string>> kSchemas =
    Setting<std::vector<std::string>>("schemas", "Schemas whose tables and views are discovered.")
        .defaults_to({"public"});
const Setting<std::string> kReplicationSlot =
    Setting<std::string>("replication_slot",
                         "LOG_BASED: the wal2json logical replication slot to read (created on "
                         "the first run) over a replication connection, so the user needs the "
                         "REPLICATION attribute. Give each pipeline its own.")
        .defaults_to("chorus");
class PostgresTap : public Tap {
 public:
  static PluginInfo info() {
    return {
        "tap-postgres",
        "0.1.0",
        "Reads PostgreSQL tables and views: full table (COPY), incremental by a replication "
        "key, or log-based through a wal2json replication slot.",
        {"discover", "catalog", "state", "about", "activate-version", "log-based"},
        SettingList{&kSchemas, &kReplicationSlot, &kTablePartition}
            .add(pg::connection_setting_list())
            .add(table_sync_settings_properties("<schema>-<table>", "public-orders", "updated_at"))
            .schema()};
  }

  PostgresTap(PluginContext context, nlohmann::json config) : Tap(context, std::move(config)) {
    settings_ = pg::connection_settings(this->config());
    schemas_ = kSchemas.read(this->config());
    options_.replication_slot = kReplicationSlot.read(this->config());
    options_.state_every = kTableStateEvery.read(this->config());
    options_.partition = table_partition(this->config(), "tap-postgres");
    options_.connect = [this] {
      std::lock_guard<std::mutex> lock(idle_mutex_);
      if (idle_) return std::move(idle_);
      return std::make_unique<pg::Connection>(settings_, "tap-postgres");
    };
    options_.connect_replication = [this] {
      return std::make_unique<pg::ReplicationStream>(settings_, "tap-postgres");
    };
  }

  std::vector<std::unique_ptr<Stream>> discover_streams() override {
    auto connection = options_.connect();
    std::vector<std::unique_ptr<Stream>> streams;
    for (auto &table : discover_tables(*connection, schemas_)) {
      streams.push_back(std::make_unique<TableStream>(std::move(table), options_, config()));
    }
    // A sync discovers first: the first stream's sync takes this connection instead of
    // signing in again (a SCRAM exchange costs both sides thousands of hash rounds).
    std::lock_guard<std::mutex> lock(idle_mutex_);
    idle_ = std::move(connection);
    return streams;
  }

 private:
  pg::ConnectionSettings settings_;
  std::vector<std::string> schemas_;
  SyncOptions options_;
  std::mutex idle_mutex_;
  std::unique_ptr<pg::Connection> idle_;  // signed in and unused, for the next connect()
};

}  // namespace chorus::tap_postgres

CHORUS_PLUGIN(chorus::tap_postgres::PostgresTap)
