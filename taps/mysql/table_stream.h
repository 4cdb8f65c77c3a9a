// One table or view as a Singer stream: FULL_TABLE, INCREMENTAL and LOG_BASED sync.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "chorus/plugin/table_stream.h"
#include "connection.h"
#include "table_discovery.h"

namespace chorus::tap_mysql {

struct SyncOptions {
  std::uint64_t state_every = 10000;  // records between STATE messages
  ZeroDates zero_dates = ZeroDates::Error;
  std::uint32_t server_id = 0;  // LOG_BASED: the replica id the binary log is read under
  // Opens a new connection (each stream reads on its own).
  std::function<std::unique_ptr<Connection>()> connect;
  TablePartition partition;  // `chorus run --partition K/N`: one slice of each FULL_TABLE stream
};

class TableStream : public DatabaseTableStream {
 public:
  // `tap_config`: the tap's config (its "replication" setting, see DatabaseTableStream).
  TableStream(TableInfo table, const SyncOptions &options, const nlohmann::json &tap_config)
      : DatabaseTableStream(table.stream_name(), table.primary_key, tap_config),
        table_(std::move(table)),
        options_(options) {}

  void sync(StreamSync &sync) override;
  // The table's columns as discovery found them, or as a schema change in the log made them.
  nlohmann::json schema() const override;
  std::vector<std::string> property_order() const override;
  nlohmann::json stream_metadata() const override;
  nlohmann::json property_metadata() const override;

 protected:
  std::vector<std::string> orderable_columns() const override;

 private:
  void write_schema(StreamSync &sync) const;
  // The selected columns (keys always are), in table order.
  std::vector<const ColumnType *> selected_columns(const StreamSync &sync) const;
  // Streams `query` (which selects `columns`), one RECORD per row. `on_row` sees each row's
  // fields after its record was written and before it is counted (count_record() may end the
  // stream on a stop request), for bookmarks.
  void read_records(Connection &connection, StreamSync &sync, const std::string &query,
                    const std::vector<const ColumnType *> &columns,
                    std::optional<std::int64_t> version,
                    const std::function<void(const RowView &)> &on_row);
  void sync_full_table(Connection &connection, StreamSync &sync, nlohmann::json bookmark);
  // The WHERE condition of this run's slice of the key space, or "" when not partitioned.
  std::string slice_condition() const;
  void sync_incremental(Connection &connection, StreamSync &sync);
  void sync_log_based(Connection &connection, StreamSync &sync);

  TableInfo table_;
  const SyncOptions &options_;
};

}  // namespace chorus::tap_mysql
