#include "postgres_sink.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <exception>
#include <future>

#include "chorus/plugin/errors.h"
#include "chorus/plugin/target_settings.h"
#include "chorus/singer/timestamps.h"
#include "chorus/sql/metadata_columns.h"
#include "chorus/sql/statements.h"
#include "staging_keys.h"

namespace chorus::target_postgres {
namespace {

// PostgreSQL names a failed COPY row as "COPY <table>, line <n>[, column <c>]"; rows.begin + n
// - 1 is that row's record in the batch. Returns the message naming the Singer line and the
// column instead, or the message as it was when it names no line.
std::string with_singer_line(const std::string &message, const std::string &stream,
                             const singer::RecordBatch &records, std::size_t first_row) {
  const std::size_t copy = message.find("COPY ");
  const std::size_t at = message.find(", line ", copy == std::string::npos ? 0 : copy);
  if (copy == std::string::npos || at == std::string::npos) return message;
  std::size_t end = at + 7;
  std::size_t copy_line = 0;
  while (end < message.size() && std::isdigit(static_cast<unsigned char>(message[end]))) {
    copy_line = copy_line * 10 + static_cast<std::size_t>(message[end++] - '0');
  }
  if (copy_line == 0 || first_row + copy_line - 1 >= records.size()) return message;
  std::string column;
  if (message.compare(end, 9, ", column ") == 0) {
    const std::size_t start = end + 9;
    const std::size_t stop = message.find_first_of(":\n", start);
    column = message.substr(start, stop == std::string::npos ? std::string::npos : stop - start);
  }
  return "target-postgres: stream '" + stream + "', line " +
         std::to_string(records.line_number(first_row + copy_line - 1)) +
         (column.empty() ? "" : ": property (column) '" + column + "'") +
         ": PostgreSQL refused the value: " + message;
}

}  // namespace

PostgresSink::PostgresSink(StreamInfo info, const nlohmann::json &config,
                           const PluginContext &context, const sql::PostgresDialect &dialect,
                           const sql::WarehouseSettings &settings, pg::Connection &connection,
                           CopyConnections &copy_connections, sql::StreamTables &tables)
    : SqlSink(std::move(info), config, context, dialect, settings, tables, "target-postgres"),
      connection_(connection),
      copy_connections_(copy_connections) {
  prepare_table();
  // The server spends most of a load parsing COPY data; meanwhile the next batch is read.
  load_in_background();
  lanes_.resize(1 + copy_connections.size());
  const std::vector<pg::binary::FieldType> binary_types = binary_field_types();
  for (auto &lane : lanes_) {
    lane.encoder = std::make_unique<CopyEncoder>(
        plan(), target_settings::kAddRecordMetadata.read(config), binary_types);
  }
  for (const auto &column : plan().columns) quoted_columns_.push_back(dialect.quote(column.name));
}

std::vector<sql::CatalogRow> PostgresSink::query(const std::string &sql) {
  return connection_.query(sql);
}

void PostgresSink::execute(const std::vector<std::string> &statements) {
  for (const std::string &statement : statements) connection_.execute(statement);
}

bool PostgresSink::keys_have_unique_index() {
  if (plan().key_columns.empty()) return false;
  std::string keys;
  for (const auto &key : plan().key_columns) {
    keys += (keys.empty() ? "" : ", ") + connection_.literal(key);
  }
  // Compares sets of names on the server, so no separator or ordering rule is needed here.
  auto rows = connection_.query(
      "SELECT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = to_regclass(" +
      connection_.literal(dialect().qualified(table())) +
      ") AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL AND "
      "(SELECT array_agg(a.attname::text ORDER BY a.attname::text) FROM pg_attribute a "
      "WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)) = "
      "(SELECT array_agg(k ORDER BY k) FROM unnest(ARRAY[" +
      keys + "]::text[]) AS k))");
  return !rows.empty() && rows[0][0] == std::optional<std::string>("t");
}

std::vector<pg::binary::FieldType> PostgresSink::binary_field_types() {
  auto rows = connection_.query(
      "SELECT a.attname::text, a.atttypid::oid::bigint FROM pg_attribute a WHERE a.attrelid = "
      "to_regclass(" +
      connection_.literal(dialect().qualified(table())) +
      ") AND a.attnum > 0 AND NOT a.attisdropped");
  std::vector<pg::binary::FieldType> types;
  for (const auto &column : plan().columns) {
    std::optional<pg::binary::FieldType> type;
    for (const auto &row : rows) {
      if (row[0] == column.name && row[1]) type = pg::binary::field_type_of(std::stoul(*row[1]));
    }
    if (!type) return {};  // one column binary cannot feed: the whole table loads as text
    types.push_back(*type);
  }
  return types;
}

void PostgresSink::prepare_table() {
  connection_.begin();
  try {
    // Serialises concurrent targets evolving the same table; released at commit.
    connection_.execute("SELECT pg_advisory_xact_lock(hashtext(" +
                        connection_.literal(dialect().qualified(table())) + "))");
    // PostgreSQL changes tables in a transaction, so the whole preparation is one.
    execute(plan_from_catalog(nullptr));
    // A table made elsewhere may lack a unique index on the keys; then only the upsert (which
    // names the missing constraint in its error) may load it.
    copy_directly_ = plan().create_table || keys_have_unique_index();
    connection_.commit();
  } catch (...) {
    connection_.rollback();
    throw;
  }
  for (const auto &notice : plan().notices) context().warn("target-postgres: " + notice);
}

void PostgresSink::process_batch(const singer::RecordBatch &records,
                                 const std::vector<RecordMeta> &metas) {
  check_values_fit(records);
  Batch batch{records, metas, singer::utc_now_rfc3339()};
  const BatchFacts facts = facts_of(records, plan(), info().key_properties);
  // Full loads of keyed tables rarely repeat a key within a batch; such a batch can skip the
  // ROW_NUMBER() pass, and while no key has met an existing row it can skip staging too.
  bool loaded = (plan().key_columns.empty() || (facts.keys_unique && copy_directly_)) &&
                load_directly(batch, facts.has_deletions);
  if (!loaded) load_through_staging(batch, facts.has_deletions, facts.keys_unique);
  context().counter("record_count", static_cast<std::int64_t>(records.size()),
                    {{"stream", stream()}});
}

pg::Connection &PostgresSink::connection_of(std::size_t lane) {
  return lane == 0 ? connection_ : copy_connections_.at(lane - 1);
}

void PostgresSink::copy_rows(std::size_t lane, const sql::TableName &into, const Batch &batch,
                             Rows rows) {
  pg::CopyFormat format =
      lanes_[lane].encoder->can_write_binary() ? pg::CopyFormat::Binary : pg::CopyFormat::Text;
  // A binary COPY stops before a row whose values it cannot encode exactly; that row and the
  // rest of the slice follow in a text COPY, in the same transaction.
  while (rows.begin < rows.end) {
    try {
      rows.begin = copy_some_rows(lane, into, batch, rows, format);
    } catch (const pg::UniqueViolation &) {
      throw;
    } catch (const FatalError &error) {
      throw FatalError(with_singer_line(error.what(), stream(), batch.records, rows.begin));
    }
    format = pg::CopyFormat::Text;
  }
}

std::size_t PostgresSink::copy_some_rows(std::size_t lane, const sql::TableName &into,
                                         const Batch &batch, Rows rows, pg::CopyFormat format) {
  CopyLane &copy_lane = lanes_[lane];
  std::size_t i = rows.begin;
  connection_of(lane).copy_in(
      dialect().qualified(into), quoted_columns_, format, [&](pg::Connection::CopyWriter &writer) {
        std::string chunk;
        chunk.reserve(kCopyChunkBytes + 4096);
        for (; i < rows.end; ++i) {
          const singer::RecordView &record = batch.records[i];
          if (format == pg::CopyFormat::Binary) {
            if (!copy_lane.encoder->append_binary_row(chunk, stream(), record, batch.metas[i],
                                                      batch.records.line_number(i),
                                                      batch.batched_at)) {
              break;
            }
          } else {
            copy_lane.encoder->append_row(chunk, stream(), record, batch.metas[i],
                                          batch.records.line_number(i), batch.batched_at);
          }
          copy_lane.versions.add(record.version);
          if (chunk.size() >= kCopyChunkBytes) {
            writer.write(chunk);
            chunk.clear();
          }
        }
        writer.write(chunk);
      });
  return i;
}

std::size_t PostgresSink::slices_for(const Batch &batch, bool has_deletions) const {
  // Slices commit on their own, which only a keyed table (where a replay is an upsert) may do;
  // a delete after the slices could wait on another slice's rows.
  if (plan().key_columns.empty() || has_deletions) return 1;
  return std::min(lanes_.size(), std::max<std::size_t>(1, batch.records.size() / kMinRowsPerSlice));
}

bool PostgresSink::load_directly(const Batch &batch, bool has_deletions) {
  const bool then_hard_delete = settings().hard_delete && has_deletions;
  try {
    in_slices(batch, slices_for(batch, has_deletions), [&](std::size_t lane, Rows rows) {
      copy_rows(lane, table(), batch, rows);
      if (then_hard_delete) {
        connection_of(lane).execute(sql::delete_marked_rows(dialect(), table()));
      }
    });
  } catch (const pg::UniqueViolation &) {
    // A key met a row loaded before: from now on this stream upserts, starting with this
    // batch. What a slice committed is loaded again, to the same values.
    copy_directly_ = false;
    context().info("target-postgres: stream '" + stream() +
                   "' updates existing keys; loading through a staging table from now on");
    return false;
  }
  return true;
}

void PostgresSink::in_slices(const Batch &batch, std::size_t slices,
                             const std::function<void(std::size_t lane, Rows rows)> &load) {
  auto load_slice = [&](std::size_t lane) {
    const std::size_t size = batch.records.size();
    pg::Connection &connection = connection_of(lane);
    connection.begin();
    try {
      load(lane, Rows{size * lane / slices, size * (lane + 1) / slices});
      connection.commit();
    } catch (...) {
      connection.rollback();
      throw;
    }
  };
  std::vector<std::future<void>> others;
  for (std::size_t lane = 1; lane < slices; ++lane) {
    others.push_back(std::async(std::launch::async, load_slice, lane));
  }
  std::exception_ptr failure;
  try {
    load_slice(0);
  } catch (...) {
    failure = std::current_exception();
  }
  for (auto &other : others) {
    try {
      other.get();
    } catch (...) {
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
}

void PostgresSink::load_through_staging(const Batch &batch, bool has_deletions, bool keys_unique) {
  // Where no key repeats in the batch, its slices change different rows: each is staged and
  // upserted over a connection of its own, and the server merges them on several cores. A key
  // that repeats keeps the batch whole, so that its last record is the one that stays.
  const std::size_t slices = keys_unique ? slices_for(batch, has_deletions) : 1;
  // Temporary tables belong to their connection: every slice may use the same name.
  const sql::TableName staging{"", "_sdc_stage_" + std::to_string(++batches_)};
  const std::vector<std::string> merge = merge_statements(staging, has_deletions, keys_unique);
  in_slices(batch, slices, [&](std::size_t lane, Rows rows) {
    pg::Connection &connection = connection_of(lane);
    connection.execute(sql::create_staging_table(dialect(), staging, plan().columns) +
                       " ON COMMIT DROP");
    copy_rows(lane, staging, batch, rows);
    for (const std::string &statement : merge) connection.execute(statement);
  });
}

void PostgresSink::activate_version(std::int64_t version) {
  // A table this sink created holds only the rows it loaded; when they all carry `version`,
  // nothing is older and the scan of the whole table can be skipped.
  bool only_this_version = plan().create_table;
  for (const auto &lane : lanes_) only_this_version &= lane.versions.only(version);
  if (only_this_version) return;
  retire_old_versions(version);
}

void PostgresSink::finish() {
  execute(grant_statements());
  execute(statistics_statements());
}

}  // namespace chorus::target_postgres
