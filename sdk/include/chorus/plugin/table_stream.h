// What every database table stream declares alike, whatever the database (the Meltano SDK's
// SQLStream): tables are not selected by default; the stream writes its own SCHEMA (LOG_BASED
// adds _sdc_deleted_at, see write_table_schema()); the replication method and key discovery puts
// in the catalog come from the tap's "replication" setting, the configured key first among the
// valid ones.
#pragma once

#include <string>
#include <vector>

#include "chorus/plugin/table_bookmarks.h"
#include "chorus/plugin/tap.h"

namespace chorus {

class DatabaseTableStream : public Stream {
 public:
  // `name`: the stream ("<schema>-<table>"); `primary_key`: its key properties in key order;
  // `tap_config`: the tap's config, whose "replication" setting may have an entry for `name`.
  DatabaseTableStream(std::string name, std::vector<std::string> primary_key,
                      const nlohmann::json &tap_config)
      : name_(std::move(name)),
        primary_key_(std::move(primary_key)),
        replication_(
            TableReplication::from_setting(tap_config.value("replication", nlohmann::json::object())
                                               .value(name_, nlohmann::json()))) {}

  std::string name() const override { return name_; }
  std::vector<std::string> key_properties() const override { return primary_key_; }
  std::vector<std::string> replication_keys() const override {
    return replication_.replication_keys(orderable_columns());
  }
  ReplicationMethod default_replication_method() const override { return replication_.method; }
  bool selected_by_default() const override { return false; }
  bool writes_own_schema() const override { return true; }

 protected:
  // The columns whose values have an order the database can read from (integers, decimals,
  // dates and times), in table order.
  virtual std::vector<std::string> orderable_columns() const = 0;

 private:
  std::string name_;
  std::vector<std::string> primary_key_;
  TableReplication replication_;
};

}  // namespace chorus
