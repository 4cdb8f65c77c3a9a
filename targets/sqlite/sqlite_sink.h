// The sink of one stream: a SQLite table, loaded a batch per transaction.
//
// - Streams with key properties get a primary key on them and are upserted
//   (INSERT ... ON CONFLICT DO UPDATE); inside a batch the last record of a key wins.
//   Streams without keys append.
// - A record whose _sdc_deleted_at is set is a delete: with hard_delete the row is deleted,
//   otherwise it is upserted with _sdc_deleted_at filled in (a soft delete).
// - ACTIVATE_VERSION v: rows whose _sdc_table_version is older than v (or missing) are deleted
//   with hard_delete, otherwise soft-deleted by setting _sdc_deleted_at to the current time
//   (rows already soft-deleted keep their time).
// - Each batch is committed (synchronous=FULL) before drain() returns.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "chorus/plugin/target.h"
#include "chorus/singer/field_positions.h"
#include "chorus/sql/stream_tables.h"
#include "database.h"
#include "table_layout.h"

namespace chorus::target_sqlite {

class SqliteSink : public BatchSink {
 public:
  SqliteSink(StreamInfo info, const nlohmann::json &target_config, const PluginContext &context,
             std::shared_ptr<Database> db, sql::StreamTables &tables);

  void activate_version(std::int64_t version) override;
  // Creates the table of a stream that had no records.
  void finish() override;

 protected:
  void process_batch(const singer::RecordBatch &batch,
                     const std::vector<RecordMeta> &metas) override;

 private:
  // Orders the columns like the first record's fields (a schema parsed into JSON has lost the
  // tap's order), then creates or extends the table and prepares the statements.
  void start(const singer::RecordView *first_record);
  void ensure_table();
  void add_column(const TableColumn &column);
  bool has_column(const std::string &name) const;
  void prepare_statements();
  void bind_record(Statement &statement, const singer::RecordView &record, const RecordMeta &meta,
                   const std::string &batched_at);
  [[noreturn]] void fail(std::uint64_t line, const std::string &problem) const;

  std::shared_ptr<Database> db_;
  std::string table_name_;  // the stream's, or its table_names entry
  std::string table_;       // quoted
  std::vector<TableColumn> columns_;
  std::vector<std::size_t> key_columns_;  // indices into columns_
  bool started_ = false;
  bool hard_delete_ = false;
  bool warned_keyless_delete_ = false;
  bool numbers_as_float_ = false;
  std::unique_ptr<singer::FieldPositions> positions_;
  std::vector<const singer::Value *> cells_;
  std::string scratch_;    // the text of a metadata number being bound
  Statement write_;        // upsert, or insert for streams without keys
  Statement soft_delete_;  // upsert of a deletion record: metadata and the values it carries
  Statement delete_;       // by key; only for streams with keys
};

}  // namespace chorus::target_sqlite
