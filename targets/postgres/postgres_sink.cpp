#include "postgres_sink.h"

#include <chrono>
#include <ctime>

#include "chorus/plugin/errors.h"
#include "chorus/singer/timestamps.h"
#include "chorus/sql/metadata_columns.h"
#include "chorus/sql/statements.h"
#include "staging_keys.h"

namespace chorus::target_postgres {
namespace {

std::optional<long long> as_integer(const std::optional<std::string> &text) {
  if (!text) return std::nullopt;
  return std::stoll(*text);
}

}  // namespace

PostgresSink::PostgresSink(StreamInfo info, const nlohmann::json &config,
                           const PluginContext &context, pg::Connection &connection)
    : BatchSink(std::move(info), config, context),
      connection_(connection),
      hard_delete_(config.value("hard_delete", false)) {
  table_ = sql::table_for_stream(dialect_, stream(), config.value("default_target_schema", ""),
                                 "public");
  prepare_table();
  // The server spends most of a load parsing COPY data; meanwhile the next batch is read.
  load_in_background();
  encoder_ = std::make_unique<CopyEncoder>(plan_, config.value("add_record_metadata", true));
  for (const auto &column : plan_.columns) quoted_columns_.push_back(dialect_.quote(column.name));
}

std::optional<std::vector<sql::Column>> PostgresSink::existing_columns() {
  auto rows = connection_.query(
      "SELECT column_name, data_type, character_maximum_length, numeric_precision, "
      "numeric_scale FROM information_schema.columns WHERE table_schema = " +
      connection_.literal(table_.schema) +
      " AND table_name = " + connection_.literal(table_.table) + " ORDER BY ordinal_position");
  if (rows.empty()) return std::nullopt;
  std::vector<sql::Column> columns;
  for (const auto &row : rows) {
    sql::CatalogColumn column;
    column.name = row[0].value_or("");
    column.data_type = row[1].value_or("");
    column.character_maximum_length = as_integer(row[2]);
    if (auto p = as_integer(row[3])) column.numeric_precision = static_cast<int>(*p);
    if (auto s = as_integer(row[4])) column.numeric_scale = static_cast<int>(*s);
    columns.push_back({column.name, dialect_.parse_catalog_type(column)});
  }
  return columns;
}

bool PostgresSink::keys_have_unique_index() {
  if (plan_.key_columns.empty()) return false;
  std::string keys;
  for (const auto &key : plan_.key_columns) {
    keys += (keys.empty() ? "" : ", ") + connection_.literal(key);
  }
  // Compares sets of names on the server, so no separator or ordering rule is needed here.
  auto rows = connection_.query(
      "SELECT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = to_regclass(" +
      connection_.literal(dialect_.qualified(table_)) +
      ") AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL AND "
      "(SELECT array_agg(a.attname::text ORDER BY a.attname::text) FROM pg_attribute a "
      "WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)) = "
      "(SELECT array_agg(k ORDER BY k) FROM unnest(ARRAY[" +
      keys + "]::text[]) AS k))");
  return !rows.empty() && rows[0][0] == std::optional<std::string>("t");
}

void PostgresSink::prepare_table() {
  connection_.begin();
  try {
    // Serialises concurrent targets evolving the same table; released at commit.
    connection_.execute("SELECT pg_advisory_xact_lock(hashtext(" +
                        connection_.literal(dialect_.qualified(table_)) + "))");
    connection_.execute(sql::create_schema(dialect_, table_.schema));
    plan_ = sql::plan_table(dialect_, stream(), info().schema, info().key_properties,
                            existing_columns());
    if (plan_.create_table) {
      connection_.execute(sql::create_table(dialect_, table_, plan_.columns, plan_.key_columns));
    }
    for (const auto &column : plan_.add) {
      connection_.execute(sql::add_column(dialect_, table_, column));
    }
    for (const auto &change : plan_.alter) {
      connection_.execute(sql::alter_column_type(dialect_, table_, change.column, change.to));
    }
    // A table made elsewhere may lack a unique index on the keys; then only the upsert (which
    // names the missing constraint in its error) may load it.
    copy_directly_ = plan_.create_table || keys_have_unique_index();
    connection_.commit();
  } catch (...) {
    connection_.rollback();
    throw;
  }
  for (const auto &notice : plan_.notices) context().warn("target-postgres: " + notice);
}

void PostgresSink::process_batch(const singer::RecordBatch &batch,
                                 const std::vector<RecordMeta> &metas) {
  std::string batched_at = singer::utc_now_rfc3339();
  // Full loads of keyed tables rarely repeat a key within a batch; such a batch can skip the
  // ROW_NUMBER() pass, and while no key has met an existing row it can skip staging too.
  bool keys_unique = keys_unique_for_database(batch, plan_, info().key_properties);
  bool loaded = (plan_.key_columns.empty() || (keys_unique && copy_directly_)) &&
                load_directly(batch, metas, batched_at);
  if (!loaded) load_through_staging(batch, metas, batched_at, keys_unique);
  context().counter("record_count", static_cast<std::int64_t>(batch.size()),
                    {{"stream", stream()}});
}

bool PostgresSink::copy_batch(const sql::TableName &into, const singer::RecordBatch &batch,
                              const std::vector<RecordMeta> &metas, const std::string &batched_at) {
  bool has_deletions = false;
  connection_.copy_in(dialect_.qualified(into), quoted_columns_,
                      [&](pg::Connection::CopyWriter &writer) {
                        std::string chunk;
                        chunk.reserve(kCopyChunkBytes + 4096);
                        for (std::size_t i = 0; i < batch.size(); ++i) {
                          has_deletions |= CopyEncoder::marks_deletion(batch[i]);
                          versions_.add(batch[i].version);
                          encoder_->append_row(chunk, stream(), batch[i], metas[i],
                                               batch.line_number(i), batched_at);
                          if (chunk.size() >= kCopyChunkBytes) {
                            writer.write(chunk);
                            chunk.clear();
                          }
                        }
                        writer.write(chunk);
                      });
  return has_deletions;
}

bool PostgresSink::load_directly(const singer::RecordBatch &batch,
                                 const std::vector<RecordMeta> &metas,
                                 const std::string &batched_at) {
  connection_.begin();
  try {
    bool has_deletions = copy_batch(table_, batch, metas, batched_at);
    if (hard_delete_ && has_deletions)
      connection_.execute(sql::delete_marked_rows(dialect_, table_));
    connection_.commit();
    return true;
  } catch (const pg::UniqueViolation &) {
    // A key met a row loaded before: from now on this stream upserts. Nothing of the batch was
    // written (the transaction rolled back), so it is loaded again through staging.
    connection_.rollback();
    copy_directly_ = false;
    context().info("target-postgres: stream '" + stream() +
                   "' updates existing keys; loading through a staging table from now on");
    return false;
  } catch (...) {
    connection_.rollback();
    throw;
  }
}

void PostgresSink::load_through_staging(const singer::RecordBatch &batch,
                                        const std::vector<RecordMeta> &metas,
                                        const std::string &batched_at, bool keys_unique) {
  sql::TableName staging{"", "_sdc_stage_" + std::to_string(++batches_)};
  connection_.begin();
  try {
    connection_.execute(sql::create_staging_table(dialect_, staging, plan_.columns) +
                        " ON COMMIT DROP");
    bool has_deletions = copy_batch(staging, batch, metas, batched_at);
    for (const auto &statement : sql::upsert_from_staging(dialect_, table_, staging, plan_.columns,
                                                          plan_.key_columns, keys_unique)) {
      connection_.execute(statement);
    }
    if (hard_delete_ && has_deletions) {
      connection_.execute(sql::delete_marked_rows(dialect_, table_));
    }
    connection_.commit();
  } catch (...) {
    connection_.rollback();
    throw;
  }
}

void PostgresSink::activate_version(std::int64_t version) {
  // A table this sink created holds only the rows it loaded; when they all carry `version`,
  // nothing is older and the scan of the whole table can be skipped.
  if (plan_.create_table && versions_.only(version)) return;
  connection_.execute(sql::retire_old_versions(dialect_, table_, version, hard_delete_));
}

void PostgresSink::finish() {
  const nlohmann::json &grants = config().value("grants", nlohmann::json::object());
  auto roles = grants.find(table_.schema);
  if (roles == grants.end()) return;
  for (const auto &role : *roles) {
    for (const auto &statement :
         sql::grant_read(dialect_, table_.schema, role.get<std::string>())) {
      connection_.execute(statement);
    }
  }
}

}  // namespace chorus::target_postgres
