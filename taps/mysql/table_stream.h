// One table or view as a Singer stream: FULL_TABLE, INCREMENTAL and LOG_BASED sync.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "chorus/plugin/table_bookmarks.h"
#include "chorus/plugin/tap.h"
#include "connection.h"
#include "table_discovery.h"

namespace chorus::tap_mysql {

struct SyncOptions {
  std::uint64_t state_every = 10000;  // records between STATE messages
  ZeroDates zero_dates = ZeroDates::Error;
  std::uint32_t server_id = 0;  // LOG_BASED: the replica id the binary log is read under
  // Opens a new connection (each stream reads on its own).
  std::function<std::unique_ptr<Connection>()> connect;
};

class TableStream : public Stream {
 public:
  // `replication` is this stream's entry of the "replication" setting ({"method": ...,
  // "replication_key": ...}) or null; it sets the defaults discovery writes to the catalog.
  TableStream(TableInfo table, const SyncOptions &options, const nlohmann::json &replication);

  std::string name() const override { return table_.stream_name(); }
  nlohmann::json schema() const override;
  std::vector<std::string> property_order() const override;
  std::vector<std::string> key_properties() const override { return table_.primary_key; }
  std::vector<std::string> replication_keys() const override;
  ReplicationMethod default_replication_method() const override { return replication_.method; }
  bool selected_by_default() const override { return false; }
  nlohmann::json stream_metadata() const override;
  nlohmann::json property_metadata() const override;
  // Writes its own SCHEMA: LOG_BASED streams add _sdc_deleted_at.
  bool writes_own_schema() const override { return true; }
  void sync(StreamSync &sync) override;

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
  void sync_incremental(Connection &connection, StreamSync &sync);
  void sync_log_based(Connection &connection, StreamSync &sync);

  TableInfo table_;
  const SyncOptions &options_;
  TableReplication replication_;
};

}  // namespace chorus::tap_mysql
