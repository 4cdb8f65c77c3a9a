// target-sqlite: the embedded default destination. Each stream becomes a table of one SQLite
// database file; see sqlite_sink.h for keys, deletes and versions, and table_layout.h for types.
#include <filesystem>
#include <memory>
#include <string>

#include "chorus/plugin/entry.h"
#include "chorus/plugin/errors.h"
#include "chorus/plugin/setting.h"
#include "chorus/sql/type_settings.h"
#include "database.h"
#include "sqlite_sink.h"

namespace chorus::target_sqlite {
namespace {

const Setting<std::string> kDatabase =
    Setting<std::string>("database", "Path of the SQLite database file; created when missing.")
        .defaults_to("chorus.db");

}  // namespace

class SqliteTarget : public Target {
 public:
  static PluginInfo info() {
    return {"target-sqlite",
            "0.1.0",
            "Loads each stream into a table of a SQLite database file, upserting on the stream's "
            "key properties.",
            {"about", "activate-version", "soft-delete", "hard-delete", "validate-records"},
            SettingList{&kDatabase}
                .add(sql::type_settings_properties())
                .add({{"table_names", sql::StreamTables::setting_schema()}})
                .schema()};
  }

  SqliteTarget(PluginContext context, nlohmann::json config)
      : Target(context, std::move(config)), tables_(this->config(), "target-sqlite") {
    std::string path = kDatabase.read(this->config());
    if (path.empty()) throw ConfigError("target-sqlite: setting `database` must not be empty");
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) {
      std::error_code error;
      std::filesystem::create_directories(parent, error);
      if (error) {
        throw FatalError("target-sqlite: cannot create the folder '" + parent.string() +
                         "' of the database: " + error.message());
      }
    }
    db_ = std::make_shared<Database>(path);
  }

  std::unique_ptr<Sink> make_sink(const StreamInfo &info) override {
    return std::make_unique<SqliteSink>(info, config(), context(), db_, tables_);
  }

 private:
  std::shared_ptr<Database> db_;
  sql::StreamTables tables_;
};

}  // namespace chorus::target_sqlite

CHORUS_PLUGIN(chorus::target_sqlite::SqliteTarget)
