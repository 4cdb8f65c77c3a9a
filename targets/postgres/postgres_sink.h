// Loads one stream into one PostgreSQL table.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "chorus/pg/connection.h"
#include "chorus/plugin/target.h"
#include "chorus/sql/postgres_dialect.h"
#include "chorus/sql/sql_sink.h"
#include "copy_connections.h"
#include "copy_encoder.h"
#include "table_versions.h"

namespace chorus::target_postgres {

// One stream's table in the SQL sink family (chorus/sql/sql_sink.h): what PostgreSQL does its
// own way is COPY over libpq (binary when the table's column types allow), straight into the
// table while no key repeats.
class PostgresSink : public sql::SqlSink {
 public:
  // Creates or evolves the stream's table at once (DDL committed before any data), so that a
  // schema problem fails before records are read. `copy_connections` are the extra
  // connections a batch may be loaded over in slices; `tables` gives the stream its table (and
  // refuses one another stream has). `dialect`, `settings` and `tables` outlive the sink.
  PostgresSink(StreamInfo info, const nlohmann::json &config, const PluginContext &context,
               const sql::PostgresDialect &dialect, const sql::WarehouseSettings &settings,
               pg::Connection &connection, CopyConnections &copy_connections,
               sql::StreamTables &tables);

  void activate_version(std::int64_t version) override;
  // Grants read access on the table's schema, after the run's loads; the final step of a
  // partitioned sync also refreshes the table's statistics (SqlSink::statistics_statements).
  void finish() override;

 protected:
  std::vector<sql::CatalogRow> query(const std::string &sql) override;
  // On the main connection, in whatever transaction it is in.
  void execute(const std::vector<std::string> &statements) override;

  // A batch whose keys are unique is first COPied straight into the table (streams without
  // keys always are): while no key meets an existing row, an insert is exactly what the upsert
  // would do, and the table's primary key proves it. A large keyed batch is COPied in slices
  // over several connections at once, each slice in its own transaction. Otherwise: COPY into
  // a temporary staging table, de-duplicate on the keys (last _sdc_sequence wins), upsert into
  // the table, in one transaction, or in slices like the plain COPY when no key repeats in the
  // batch. Then hard-delete marked rows when asked.
  void process_batch(const singer::RecordBatch &batch,
                     const std::vector<RecordMeta> &metas) override;

 private:
  static constexpr std::size_t kCopyChunkBytes = std::size_t{1} << 20;
  // Below this many rows per slice, another connection costs more than it saves.
  static constexpr std::size_t kMinRowsPerSlice = 5000;

  // What one COPY at a time needs: its own encoder (encoders keep per-row state) and a record
  // of the table versions it sent. Lane 0 uses the main connection, lane k copy connection k-1.
  struct CopyLane {
    std::unique_ptr<CopyEncoder> encoder;
    TableVersionsSeen versions;
  };
  struct Rows {
    std::size_t begin, end;
  };
  struct Batch {
    const singer::RecordBatch &records;
    const std::vector<RecordMeta> &metas;
    std::string batched_at;
  };

  void prepare_table();
  // The binary COPY field type of each plan column, read from the table's catalog, or empty
  // when some column's type takes no binary field (then every load is a text COPY).
  std::vector<pg::binary::FieldType> binary_field_types();
  // Whether the existing table has a unique index on exactly the key columns.
  bool keys_have_unique_index();

  pg::Connection &connection_of(std::size_t lane);
  // COPYs rows [rows.begin, rows.end) of the batch into `into` over lane `lane`: binary while
  // the lane's encoder can, text from the first row it cannot encode exactly. An error
  // PostgreSQL reports for a row names that row's Singer line.
  void copy_rows(std::size_t lane, const sql::TableName &into, const Batch &batch, Rows rows);
  // One COPY in `format` of rows from rows.begin; returns the row it stopped before (rows.end,
  // or in binary the first row the encoder left to text).
  std::size_t copy_some_rows(std::size_t lane, const sql::TableName &into, const Batch &batch,
                             Rows rows, pg::CopyFormat format);
  // How many slices a batch loads in: one per lane for a large keyed batch without deletions
  // (each slice in its own transaction), else one.
  std::size_t slices_for(const Batch &batch, bool has_deletions) const;
  // Runs `load` for each of `slices` slices of the batch at once, slice k over lane k in a
  // transaction of its own; rethrows the first failure once every slice has ended.
  void in_slices(const Batch &batch, std::size_t slices,
                 const std::function<void(std::size_t lane, Rows rows)> &load);
  // False (everything rolled back, or slices already committed are harmless to load again)
  // when a key already exists in the table.
  bool load_directly(const Batch &batch, bool has_deletions);
  void load_through_staging(const Batch &batch, bool has_deletions, bool keys_unique);

  pg::Connection &connection_;
  CopyConnections &copy_connections_;
  std::vector<CopyLane> lanes_;
  std::vector<std::string> quoted_columns_;
  // Until a key meets an existing row, keyed batches with unique keys skip staging.
  bool copy_directly_ = true;
  std::uint64_t batches_ = 0;
};

}  // namespace chorus::target_postgres
