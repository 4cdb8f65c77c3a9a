#include "sqlite_sink.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <ctime>
#include <map>
#include <set>
#include <variant>

#include "chorus/plugin/errors.h"
#include "chorus/plugin/target_settings.h"
#include "chorus/singer/decimal.h"
#include "chorus/singer/timestamps.h"
#include "chorus/sql/identifier.h"
#include "chorus/sql/metadata_columns.h"
#include "chorus/sql/type_settings.h"
#include "exact_number.h"

namespace chorus::target_sqlite {

using singer::FieldPositions;
using singer::in_record_order;

namespace {

std::string quote_name(std::string_view name) {
  return sql::quote_identifier(name, sql::IdentifierRules{});
}

// Binds `value` for a column of `affinity`; returns why it cannot be stored exactly, or "".
std::string bind_value(Statement &statement, int index, const singer::Value *value,
                       Affinity affinity) {
  if (value == nullptr || value->is_null()) {
    statement.bind_null(index);
    return {};
  }
  const std::string_view text = value->text;
  switch (value->kind) {
    case singer::ValueKind::Boolean:
      statement.bind_int64(index, text == "true" ? 1 : 0);
      return {};
    case singer::ValueKind::Number:
      if (affinity == Affinity::Number) {
        const StoredNumber stored = stored_number(text);
        if (const auto *whole = std::get_if<std::int64_t>(&stored)) {
          statement.bind_int64(index, *whole);
        } else if (const auto *real = std::get_if<double>(&stored)) {
          statement.bind_double(index, *real);
        } else {
          statement.bind_text(index, text);
        }
        return {};
      }
      if (affinity == Affinity::Integer || affinity == Affinity::Boolean) {
        std::int64_t parsed = 0;
        if (integer_value(text, parsed)) {
          statement.bind_int64(index, parsed);
          return {};
        }
        const auto exact = singer::parse_decimal(text);
        if (exact && exact->is_integer()) {
          return "it is beyond SQLite's 64-bit integers, and an INTEGER column would round it to "
                 "a REAL; declare the property as \"number\" to keep it exactly";
        }
      } else if (affinity == Affinity::Real) {
        double parsed = 0;
        auto result = std::from_chars(text.data(), text.data() + text.size(), parsed);
        if (result.ec == std::errc() && result.ptr == text.data() + text.size()) {
          statement.bind_double(index, parsed);
          return {};
        }
      }
      // Numbers of TEXT columns keep their digits as text.
      statement.bind_text(index, text);
      return {};
    default:
      statement.bind_text(index, text);
      return {};
  }
}

}  // namespace

SqliteSink::SqliteSink(StreamInfo info, const nlohmann::json &target_config,
                       const PluginContext &context, std::shared_ptr<Database> db,
                       sql::StreamTables &tables)
    : BatchSink(std::move(info), target_config, context), db_(std::move(db)) {
  table_name_ = tables.table_name(stream());
  // SQLite compares table names without regard to ASCII case.
  tables.claim_name(table_name_, stream(), true);
  table_ = quote_name(table_name_);
  hard_delete_ = target_settings::kHardDelete.read(config());
  numbers_as_float_ = sql::type_options(config()).numbers_as_float;
  columns_ =
      plan_columns(this->info().schema, this->info().property_order,
                   target_settings::kAddRecordMetadata.read(config()), sql::type_options(config()));
  for (const std::string &key : this->info().key_properties) {
    if (!has_column(key)) {
      throw FatalError("target-sqlite: stream '" + stream() + "': key property '" + key +
                       "' is not in the stream's schema; the tap's SCHEMA message is wrong");
    }
  }
  // Upserting a batch is most of the work; the next batch is read and validated meanwhile.
  load_in_background();
  fill_deletions_from_batch();
}

void SqliteSink::start(const singer::RecordView *first_record) {
  started_ = true;
  if (first_record != nullptr) {
    std::vector<std::string> names;
    for (const TableColumn &column : columns_) {
      if (column.metadata == nullptr) names.push_back(column.name);
    }
    std::vector<TableColumn> ordered;
    for (const std::string &name : in_record_order(names, *first_record)) {
      for (const TableColumn &column : columns_) {
        if (column.name == name) ordered.push_back(column);
      }
    }
    for (const TableColumn &column : columns_) {
      if (column.metadata != nullptr) ordered.push_back(column);
    }
    columns_ = std::move(ordered);
  }
  for (const std::string &key : info().key_properties) {
    auto found = std::find_if(columns_.begin(), columns_.end(),
                              [&](const TableColumn &column) { return column.name == key; });
    key_columns_.push_back(static_cast<std::size_t>(found - columns_.begin()));
  }
  ensure_table();
  prepare_statements();
}

void SqliteSink::finish() {
  if (!started_) start(nullptr);
}

bool SqliteSink::has_column(const std::string &name) const {
  return std::any_of(columns_.begin(), columns_.end(),
                     [&](const TableColumn &column) { return column.name == name; });
}

void SqliteSink::ensure_table() {
  const std::string what = "preparing the table of stream '" + stream() + "'";
  // What the table has now, if it exists.
  std::set<std::string> existing;
  std::map<std::string, std::string> declared;
  std::vector<std::pair<int, std::string>> primary_key;
  {
    Statement info(*db_, "SELECT name, pk, type FROM pragma_table_info(?1)");
    info.bind_text(1, table_name_);
    while (info.next_row()) {
      existing.insert(info.column_text(0));
      declared[info.column_text(0)] = info.column_text(2);
      int pk = static_cast<int>(info.column_int64(1));
      if (pk > 0) primary_key.emplace_back(pk, info.column_text(0));
    }
  }
  // Numbers go into an existing column as its affinity lets them arrive: TEXT keeps their
  // digits; an older REAL column rounds them, which is said once.
  for (TableColumn &column : columns_) {
    auto found = declared.find(column.name);
    if (column.affinity != Affinity::Number || found == declared.end()) continue;
    column.affinity = affinity_of_declared(found->second);
    if (column.affinity == Affinity::Real && !numbers_as_float_) {
      context().warn("target-sqlite: stream '" + stream() + "': column '" + column.name +
                     "' already exists as " + found->second +
                     ", so its numbers are rounded to doubles; recreate it without a type to "
                     "keep them exact");
    }
  }

  if (existing.empty()) {
    std::string sql = "CREATE TABLE IF NOT EXISTS " + table_ + " (";
    // One integer key becomes the rowid (INTEGER PRIMARY KEY): the fastest key SQLite has.
    const bool rowid_key =
        key_columns_.size() == 1 && columns_[key_columns_[0]].affinity == Affinity::Integer;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) sql += ", ";
      sql += quote_name(columns_[i].name) + " " + columns_[i].declared_type;
      if (rowid_key && i == key_columns_[0]) sql += " PRIMARY KEY";
    }
    if (!key_columns_.empty() && !rowid_key) {
      sql += ", PRIMARY KEY (";
      for (std::size_t k = 0; k < key_columns_.size(); ++k) {
        if (k > 0) sql += ", ";
        sql += quote_name(columns_[key_columns_[k]].name);
      }
      sql += ")";
    }
    sql += ")";
    db_->exec(sql, what);
    return;
  }

  // Schema growth: new properties become new columns. Columns the schema no longer lists stay
  // (and are left NULL), so that no data is dropped.
  for (const TableColumn &column : columns_) {
    if (existing.count(column.name) == 0) {
      db_->exec("ALTER TABLE " + table_ + " ADD COLUMN " + quote_name(column.name) + " " +
                    column.declared_type,
                what);
    }
  }
  for (const std::string &name : existing) {
    if (!has_column(name)) {
      // Kept for metadata columns added in an earlier run, e.g. by a soft delete.
      if (name == sql::kDeletedAt) columns_.push_back(deleted_at_column());
      if (name == sql::kTableVersion) columns_.push_back(table_version_column());
    }
  }

  if (key_columns_.empty()) return;
  std::sort(primary_key.begin(), primary_key.end());
  std::vector<std::string> current_key;
  for (const auto &entry : primary_key) current_key.push_back(entry.second);
  std::vector<std::string> wanted_key;
  for (std::size_t index : key_columns_) wanted_key.push_back(columns_[index].name);
  if (current_key != wanted_key) {
    // ON CONFLICT needs a unique index on exactly the key columns.
    std::string index_name = quote_name(table_name_ + "__chorus_key");
    std::string sql = "CREATE UNIQUE INDEX IF NOT EXISTS " + index_name + " ON " + table_ + " (";
    for (std::size_t k = 0; k < wanted_key.size(); ++k) {
      if (k > 0) sql += ", ";
      sql += quote_name(wanted_key[k]);
    }
    sql += ")";
    db_->exec(sql, "adding a unique index on the key properties of stream '" + stream() +
                       "' (the existing table has another primary key)");
  }
}

void SqliteSink::add_column(const TableColumn &column) {
  db_->exec("ALTER TABLE " + table_ + " ADD COLUMN " + quote_name(column.name) + " " +
                column.declared_type,
            "adding column '" + column.name + "' to the table of stream '" + stream() + "'");
  columns_.push_back(column);
  prepare_statements();
}

void SqliteSink::prepare_statements() {
  std::vector<std::string> names;
  for (const TableColumn &column : columns_) names.push_back(column.name);
  positions_ = std::make_unique<FieldPositions>(names);
  cells_.assign(columns_.size(), nullptr);

  std::string sql = "INSERT INTO " + table_ + " (";
  std::string values;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (i > 0) {
      sql += ", ";
      values += ", ";
    }
    sql += quote_name(columns_[i].name);
    values += "?" + std::to_string(i + 1);
  }
  sql += ") VALUES (" + values + ")";
  if (!key_columns_.empty()) {
    std::string keys, where;
    for (std::size_t k = 0; k < key_columns_.size(); ++k) {
      const std::string key = quote_name(columns_[key_columns_[k]].name);
      if (k > 0) {
        keys += ", ";
        where += " AND ";
      }
      keys += key;
      where += key + " = ?" + std::to_string(k + 1);
    }
    // An update sets every other column; a soft delete sets the metadata ones and only the
    // values the deletion record carries, so that one with just the key keeps the row's
    // values.
    std::string updates, metadata_updates;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (std::find(key_columns_.begin(), key_columns_.end(), i) != key_columns_.end()) continue;
      const std::string name = quote_name(columns_[i].name);
      const std::string update = name + " = excluded." + name;
      updates += (updates.empty() ? "" : ", ") + update;
      const bool metadata = columns_[i].metadata != nullptr || columns_[i].name == sql::kDeletedAt;
      metadata_updates +=
          (metadata_updates.empty() ? "" : ", ") +
          (metadata ? update : name + " = COALESCE(excluded." + name + ", " + name + ")");
    }
    const std::string conflict = sql + " ON CONFLICT (" + keys;
    sql = conflict + (updates.empty() ? ") DO NOTHING" : ") DO UPDATE SET " + updates);
    soft_delete_ = Statement(
        *db_, conflict + (metadata_updates.empty() ? ") DO NOTHING"
                                                   : ") DO UPDATE SET " + metadata_updates));
    delete_ = Statement(*db_, "DELETE FROM " + table_ + " WHERE " + where);
  }
  write_ = Statement(*db_, sql);
}

void SqliteSink::fail(std::uint64_t line, const std::string &problem) const {
  throw FatalError("target-sqlite: stream '" + stream() + "', line " + std::to_string(line) + ": " +
                   problem);
}

void SqliteSink::bind_record(Statement &statement, const singer::RecordView &record,
                             const RecordMeta &meta, const std::string &batched_at) {
  const std::vector<std::size_t> &positions = positions_->of(record);
  std::fill(cells_.begin(), cells_.end(), nullptr);
  for (std::size_t i = 0; i < positions.size(); ++i) {
    if (positions[i] != FieldPositions::kIgnored) {
      cells_[positions[i]] = &record.fields[i].value;
    }
  }
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    const TableColumn &column = columns_[i];
    const int index = static_cast<int>(i + 1);
    if (column.metadata != nullptr) {
      // _sdc_sequence and _sdc_table_version are numbers to begin with: bound as they are, not
      // via their text (which the other metadata columns need).
      if (const std::optional<std::int64_t> number =
              sql::metadata_integer(column.metadata->source, record, meta)) {
        statement.bind_int64(index, *number);
        continue;
      }
      // The metadata numbers are bound as integers (INTEGER affinity), so nothing keeps
      // pointing into scratch_ once the value is bound.
      const singer::Value value =
          sql::metadata_value(column.metadata->source, record, meta, batched_at, scratch_);
      bind_value(statement, index, &value, column.affinity);
      continue;
    }
    if (std::string refused = bind_value(statement, index, cells_[i], column.affinity);
        !refused.empty()) {
      fail(meta.line_number, "property '" + column.name + "' value " +
                                 std::string(cells_[i]->text.substr(0, 80)) +
                                 " cannot be stored exactly: " + refused);
    }
  }
}

void SqliteSink::process_batch(const singer::RecordBatch &batch,
                               const std::vector<RecordMeta> &metas) {
  if (!started_) start(batch.empty() ? nullptr : &batch[0]);
  // Columns that only some records need: soft deletes and table versions.
  const std::string deleted_at(sql::kDeletedAt);
  const std::string table_version(sql::kTableVersion);
  bool need_deleted_at = !hard_delete_ && !has_column(deleted_at);
  bool need_version = !has_column(table_version);
  if (need_deleted_at || need_version) {
    bool any_deleted = false, any_version = false;
    for (const singer::RecordView &record : batch) {
      any_deleted = any_deleted || sql::marks_deletion(record);
      any_version = any_version || record.version.has_value();
    }
    if (need_deleted_at && any_deleted) add_column(deleted_at_column());
    if (need_version && any_version) add_column(table_version_column());
  }

  const std::string batched_at = singer::utc_now_rfc3339();
  const std::vector<std::size_t> winners = batch.last_per_key(info().key_properties);
  Transaction transaction(*db_);
  for (std::size_t index : winners) {
    const singer::RecordView &record = batch[index];
    const RecordMeta &meta = metas[index];
    const bool is_delete = sql::marks_deletion(record);

    const bool soft_delete = is_delete && !hard_delete_ && !key_columns_.empty();
    Statement &statement = soft_delete ? soft_delete_ : write_;
    bind_record(statement, record, meta, batched_at);
    for (std::size_t key : key_columns_) {
      if (cells_[key] == nullptr || cells_[key]->is_null()) {
        fail(meta.line_number, "the record has no value for key property '" + columns_[key].name +
                                   "'; every record of a stream with "
                                   "key properties needs them");
      }
    }

    if (is_delete && hard_delete_) {
      if (key_columns_.empty()) {
        if (!warned_keyless_delete_) {
          context().warn("target-sqlite: stream '" + stream() +
                         "' has no key properties, so records with _sdc_deleted_at cannot "
                         "delete a row; they are stored as they are");
          warned_keyless_delete_ = true;
        }
      } else {
        for (std::size_t k = 0; k < key_columns_.size(); ++k) {
          bind_value(delete_, static_cast<int>(k + 1), cells_[key_columns_[k]],
                     columns_[key_columns_[k]].affinity);
        }
        if (!delete_.run()) fail(meta.line_number, "deleting the row failed: " + delete_.error());
        continue;
      }
    }
    if (!statement.run()) {
      fail(meta.line_number, "storing the record failed: " + statement.error() +
                                 "; check that the table's columns match the stream's schema");
    }
  }
  transaction.commit();
}

void SqliteSink::activate_version(std::int64_t version) {
  if (!started_) start(nullptr);
  const std::string deleted_at(sql::kDeletedAt);
  const std::string table_version(sql::kTableVersion);
  if (!has_column(table_version)) add_column(table_version_column());
  if (!hard_delete_ && !has_column(deleted_at)) add_column(deleted_at_column());

  Transaction transaction(*db_);
  const std::string older =
      "(" + quote_name(table_version) + " IS NULL OR " + quote_name(table_version) + " < ?1)";
  if (hard_delete_) {
    Statement remove(*db_, "DELETE FROM " + table_ + " WHERE " + older);
    remove.bind_int64(1, version);
    if (!remove.run()) {
      throw FatalError("target-sqlite: stream '" + stream() +
                       "': removing rows of versions before " + std::to_string(version) +
                       " failed: " + remove.error());
    }
  } else {
    const std::string now = singer::utc_now_rfc3339();
    Statement mark(*db_, "UPDATE " + table_ + " SET " + quote_name(deleted_at) + " = ?2 WHERE " +
                             older + " AND " + quote_name(deleted_at) + " IS NULL");
    mark.bind_int64(1, version);
    mark.bind_text(2, now);
    if (!mark.run()) {
      throw FatalError("target-sqlite: stream '" + stream() +
                       "': marking rows of versions before " + std::to_string(version) +
                       " as deleted failed: " + mark.error());
    }
  }
  transaction.commit();
}

}  // namespace chorus::target_sqlite
