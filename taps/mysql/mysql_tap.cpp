// tap-mysql: tables and views of a MySQL or MariaDB server as Singer streams.
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "chorus/plugin/entry.h"
#include "chorus/plugin/errors.h"
#include "chorus/plugin/setting.h"
#include "chorus/plugin/table_bookmarks.h"
#include "connection.h"
#include "table_discovery.h"
#include "table_stream.h"

namespace chorus::tap_mysql {

const Setting<std::vector<std::string>> kDatabases = Setting<std::vector<std::string>>(
    "databases",
    "Databases whose tables and views are discovered. Default: every database the user can "
    "read, except information_schema, performance_schema, mysql and sys.");
const Setting<std::string> kZeroDates =
    Setting<std::string>(
        "zero_dates",
        "What a zero date (0000-00-00, 2024-00-10, 0000-00-00 00:00:00) in a DATE, DATETIME or "
        "TIMESTAMP column becomes: \"error\" stops the run naming stream, record, column and "
        "value; \"null\" writes null (those columns are then nullable in the schema) and counts "
        "them in a warning.")
        .one_of({"error", "null"})
        .defaults_to("error");
const Setting<std::uint32_t> kServerId =
    Setting<std::uint32_t>("server_id",
                           "LOG_BASED: the replica server id the binary log is read under. It "
                           "must differ from the server's own and from every replica's. When "
                           "not set, each run draws one at random from 2^31 to 2^32-1, so that "
                           "runs at the same time never share one.")
        .at_least(1)
        .with("maximum", 4294967295LL);

namespace {

// A replica id for a run that was given none. Two readers of one server's binary log under the
// same id evict each other (MariaDB error 4052), so a fixed default would make two LOG_BASED
// runs at once fail. Drawn from the upper half of the range, which servers numbered by hand
// rarely use.
std::uint32_t random_replica_id() {
  std::random_device source;
  std::uniform_int_distribution<std::uint32_t> draw(std::uint32_t{1} << 31, 4294967295U);
  return draw(source);
}

}  // namespace

class MySqlTap : public Tap {
 public:
  static PluginInfo info() {
    PluginInfo info;
    info.settings =
        SettingList{&kDatabases, &kZeroDates, &kServerId, &kTablePartition}
            .add(connection_setting_list())
            .add(table_sync_settings_properties("<database>-<table>", "shop-orders", "LastUpdated"))
            .schema();
    info.capabilities = {"discover", "catalog", "state", "about", "activate-version", "log-based"};
    info.name = "tap-mysql";
    info.version = "0.1.0";
    info.description =
        "Reads MySQL and MariaDB tables and views: full table (streamed, resumable by primary "
        "key), incremental by a replication key, or log-based from the row-based binary log.";
    return info;
  }

  MySqlTap(PluginContext context, nlohmann::json config) : Tap(context, std::move(config)) {
    settings_ = connection_settings(this->config());
    databases_ = kDatabases.read(this->config());
    options_.state_every = kTableStateEvery.read(this->config());
    options_.zero_dates = parse_zero_dates(kZeroDates.read(this->config()));
    options_.server_id = kServerId.find(this->config()).value_or(random_replica_id());
    options_.partition = table_partition(this->config(), "tap-mysql");
    options_.connect = [this] { return std::make_unique<Connection>(settings_); };
  }

  std::vector<std::unique_ptr<Stream>> discover_streams() override {
    auto connection = options_.connect();
    std::vector<std::unique_ptr<Stream>> streams;
    std::vector<TableInfo> tables = discover_tables(*connection, databases_);
    for (const auto &database : databases_) {
      bool found = false;
      for (const auto &table : tables) found = found || table.database == database;
      if (!found) {
        throw ConfigError("tap-mysql: setting 'databases' names '" + database +
                          "', which has no table or view that " + describe(settings_) +
                          " can read");
      }
    }
    for (auto &table : tables) {
      streams.push_back(std::make_unique<TableStream>(std::move(table), options_, config()));
    }
    return streams;
  }

 private:
  ConnectionSettings settings_;
  std::vector<std::string> databases_;
  SyncOptions options_;
};

}  // namespace chorus::tap_mysql

CHORUS_PLUGIN(chorus::tap_mysql::MySqlTap)
