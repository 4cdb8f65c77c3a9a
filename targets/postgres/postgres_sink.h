// Loads one stream into one PostgreSQL table, a batch per transaction.
#pragma once

#include <memory>
#include <string>

#include "chorus/pg/connection.h"
#include "chorus/plugin/target.h"
#include "chorus/sql/postgres_dialect.h"
#include "chorus/sql/table_plan.h"
#include "copy_encoder.h"

namespace chorus::target_postgres {

class PostgresSink : public BatchSink {
 public:
  // Creates or evolves the stream's table at once (DDL committed before any data), so that a
  // schema problem fails before records are read.
  PostgresSink(StreamInfo info, const nlohmann::json &config, const PluginContext &context,
               pg::Connection &connection);

  void activate_version(std::int64_t version) override;
  void finish() override;

 protected:
  // One transaction per batch. A batch whose keys are unique is first COPied straight into the
  // table (streams without keys always are): while no key meets an existing row, an insert is
  // exactly what the upsert would do, and the table's primary key proves it. Otherwise: COPY
  // into a temporary staging table, de-duplicate on the keys (last _sdc_sequence wins), upsert
  // into the table. Then hard-delete marked rows when asked, and commit.
  void process_batch(const singer::RecordBatch &batch,
                     const std::vector<RecordMeta> &metas) override;

 private:
  static constexpr std::size_t kCopyChunkBytes = std::size_t{1} << 20;

  // Sends the batch as COPY data into `into`; returns whether any record marks a deletion.
  bool copy_batch(const sql::TableName &into, const singer::RecordBatch &batch,
                  const std::vector<RecordMeta> &metas, const std::string &batched_at);
  // False (transaction rolled back) when a key already exists in the table.
  bool load_directly(const singer::RecordBatch &batch, const std::vector<RecordMeta> &metas,
                     const std::string &batched_at);
  void load_through_staging(const singer::RecordBatch &batch, const std::vector<RecordMeta> &metas,
                            const std::string &batched_at, bool keys_unique);
  void prepare_table();
  // Whether the existing table has a unique index on exactly the key columns.
  bool keys_have_unique_index();
  std::optional<std::vector<sql::Column>> existing_columns();

  pg::Connection &connection_;
  sql::PostgresDialect dialect_;
  sql::TableName table_;
  sql::TablePlan plan_;
  std::unique_ptr<CopyEncoder> encoder_;
  std::vector<std::string> quoted_columns_;
  bool hard_delete_;
  // Until a key meets an existing row, keyed batches with unique keys skip staging.
  bool copy_directly_ = true;

  // The table versions of the rows this sink sent (a row without one counts as mixed).
  class VersionsSeen {
   public:
    void add(const std::optional<std::int64_t> &version) {
      if (!version || (seen_ && *seen_ != *version)) mixed_ = true;
      seen_ = version;
    }
    // True when every row sent so far (possibly none) carries `version`.
    bool only(std::int64_t version) const { return !mixed_ && (!seen_ || *seen_ == version); }

   private:
    std::optional<std::int64_t> seen_;
    bool mixed_ = false;
  };
  VersionsSeen versions_;
  std::uint64_t batches_ = 0;
};

}  // namespace chorus::target_postgres
