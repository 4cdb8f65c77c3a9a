// One table or view as a Singer stream: FULL_TABLE, INCREMENTAL and LOG_BASED sync.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "chorus/pg/connection.h"
#include "chorus/pg/replication.h"
#include "chorus/plugin/table_bookmarks.h"
#include "chorus/plugin/table_stream.h"
#include "table_discovery.h"

namespace chorus::tap_postgres {

struct SyncOptions {
  std::uint64_t state_every = 10000;  // records between STATE messages
  std::string replication_slot;       // LOG_BASED: the wal2json slot of this database
  // Opens a new connection (each stream syncs on its own, so a COPY never blocks another).
  std::function<std::unique_ptr<pg::Connection>()> connect;
  // LOG_BASED: opens a replication connection to the same database.
  std::function<std::unique_ptr<pg::ReplicationStream>()> connect_replication;
  TablePartition partition;  // `chorus run --partition K/N`: one slice of each FULL_TABLE stream
};

class TableStream : public DatabaseTableStream {
 public:
  // `tap_config`: the tap's config (its "replication" setting, see DatabaseTableStream).
  TableStream(TableInfo table, const SyncOptions &options, const nlohmann::json &tap_config);

  nlohmann::json schema() const override;
  nlohmann::json stream_metadata() const override;
  nlohmann::json property_metadata() const override;
  void sync(StreamSync &sync) override;

 protected:
  std::vector<std::string> orderable_columns() const override;

 private:
  // The SELECT list of the selected columns, and their kinds in the same order.
  std::string select_list(const StreamSync &sync, std::vector<const ColumnType *> &columns) const;
  // COPY (<query>) TO STDOUT, writing one RECORD per row. `on_row` sees the row's raw fields
  // after the record was written and before it is counted (count_record() may end the stream
  // on a stop request), for bookmarks; the selected columns come first.
  void copy_records(
      pg::Connection &connection, StreamSync &sync, const std::string &query,
      const std::vector<const ColumnType *> &columns, std::optional<std::int64_t> version,
      const std::function<void(const std::vector<std::optional<std::string_view>> &)> &on_row);
  // Where the text of each of `keys` is in a row's fields (for bookmarks): the selected column
  // itself where its COPY text is its ::text form, else a `::text` column appended to
  // `query`'s SELECT list (after the selected columns, in key order).
  std::vector<std::size_t> key_fields(const std::vector<const ColumnType *> &keys,
                                      const std::vector<const ColumnType *> &columns,
                                      std::string &query) const;
  // The primary key's columns, in key order (empty for a table without one, or a view).
  std::vector<const ColumnType *> key_columns() const;
  // `column` qualified by the table, for WHERE and ORDER BY.
  std::string column_ref(const ColumnType &column) const;
  void sync_full_table(pg::Connection &connection, StreamSync &sync, nlohmann::json bookmark);
  void sync_incremental(pg::Connection &connection, StreamSync &sync);
  // The WHERE condition of this run's slice of the key space, or "" when not partitioned.
  std::string slice_condition(const std::vector<const ColumnType *> &keys) const;
  void sync_log_based(pg::Connection &connection, StreamSync &sync);

  TableInfo table_;
  const SyncOptions &options_;
};

}  // namespace chorus::tap_postgres
