// tap-postgres: tables and views of a PostgreSQL database as Singer streams.
#include <memory>
#include <vector>

#include "chorus/pg/connection.h"
#include "chorus/plugin/entry.h"
#include "chorus/plugin/table_bookmarks.h"
#include "table_discovery.h"
#include "table_stream.h"

namespace chorus::tap_postgres {

class PostgresTap : public Tap {
 public:
  static PluginInfo info() {
    nlohmann::json properties = pg::connection_settings_properties();
    properties["schemas"] = {{"type", "array"},
                             {"items", {{"type", "string"}}},
                             {"default", {"public"}},
                             {"description", "Schemas whose tables and views are discovered."}};
    properties["replication_slot"] = {
        {"type", "string"},
        {"default", "chorus"},
        {"description",
         "LOG_BASED: the wal2json logical replication slot to read (created on the first "
         "run) over a replication connection, so the user needs the REPLICATION attribute. "
         "Give each pipeline its own."}};
    properties.update(
        table_sync_settings_properties("<schema>-<table>", "public-orders", "updated_at"));
    PluginInfo info;
    info.name = "tap-postgres";
    info.version = "0.1.0";
    info.description =
        "Reads PostgreSQL tables and views: full table (COPY), incremental by a replication "
        "key, or log-based through a wal2json replication slot.";
    info.capabilities = {"discover", "catalog", "state", "about", "activate-version", "log-based"};
    info.settings = {{"type", "object"}, {"properties", properties}, {"required", {"dbname"}}};
    return info;
  }

  PostgresTap(PluginContext context, nlohmann::json config)
      : Tap(std::move(context), std::move(config)) {
    settings_ = pg::connection_settings(this->config());
    for (const auto &schema : this->config().value("schemas", nlohmann::json::array({"public"}))) {
      schemas_.push_back(schema.get<std::string>());
    }
    options_.replication_slot = this->config().value("replication_slot", "chorus");
    options_.state_every = this->config().value("state_every", std::uint64_t{10000});
    options_.connect = [this] {
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
    return streams;
  }

 private:
  pg::ConnectionSettings settings_;
  std::vector<std::string> schemas_;
  SyncOptions options_;
};

}  // namespace chorus::tap_postgres

CHORUS_PLUGIN(chorus::tap_postgres::PostgresTap)
