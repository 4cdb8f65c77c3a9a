#include "csv_stream.h"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <stdexcept>
#include <unordered_map>

#include "chorus/plugin/errors.h"
#include "chorus/singer/timestamps.h"
#include "csv_reader.h"
#include "replication_cursor.h"

namespace chorus::tap_csv {
namespace {

// Which types every non-empty value of a column seen so far fits.
struct TypeCandidates {
  bool seen = false;
  bool integer = true, number = true, boolean = true, date_time = true, date = true;

  void observe(std::string_view text) {
    if (text.empty()) return;
    seen = true;
    if (integer) integer = is_integer_text(text);
    if (number) number = is_json_number(text);
    bool ignored = false;
    if (boolean) boolean = parse_boolean(text, ignored);
    Timestamp ts;
    if (date_time) date_time = parse_timestamp(text, ts);
    if (date) date = is_date_text(text);
  }

  ColumnType type() const {
    if (!seen) return ColumnType::String;
    if (boolean) return ColumnType::Boolean;
    if (integer) return ColumnType::Integer;
    if (number) return ColumnType::Number;
    if (date) return ColumnType::Date;
    if (date_time) return ColumnType::DateTime;
    return ColumnType::String;
  }
};

std::string quote_for_message(std::string_view value) {
  constexpr std::size_t kShown = 60;
  if (value.size() <= kShown) return "'" + std::string(value) + "'";
  return "'" + std::string(value.substr(0, kShown)) + "...'";
}

// The header of a file, as indices into the stream's columns.
std::vector<std::size_t> read_header(CsvParser &parser, const std::vector<Column> &columns,
                                     const std::string &where) {
  std::vector<CsvField> header;
  if (!parser.next_row(header)) return {};
  std::unordered_map<std::string_view, std::size_t> index;
  for (std::size_t i = 0; i < columns.size(); ++i) index.emplace(columns[i].name, i);
  std::vector<std::size_t> positions;
  std::vector<bool> taken(columns.size(), false);
  for (const CsvField &field : header) {
    auto found = index.find(field.text);
    if (found == index.end()) {
      throw FatalError(where + ": header column '" + std::string(field.text) +
                       "' is not among the stream's columns; add it to the declared `schema`");
    }
    if (taken[found->second]) {
      throw FatalError(where + ": header names column '" + std::string(field.text) +
                       "' twice; rename one of them");
    }
    taken[found->second] = true;
    positions.push_back(found->second);
  }
  return positions;
}

}  // namespace

CsvStream::CsvStream(FileSpec spec, StreamOptions options)
    : spec_(std::move(spec)), options_(options) {
  files_ = resolve_files(spec_);
  if (files_.empty() && !options_.allow_empty) {
    throw ConfigError("tap-csv: stream '" + spec_.entity + "': path '" + spec_.path +
                      "' matches no file (a relative path is read from " +
                      std::filesystem::current_path().string() +
                      "); fix the path or the glob, or set allow_empty: true to sync nothing "
                      "when no file is there");
  }
  settle_columns();
}

void CsvStream::settle_columns() {
  const std::string stream = "tap-csv: stream '" + spec_.entity + "'";
  if (!spec_.schema.is_null()) {
    for (const auto &property : spec_.schema["properties"].items()) {
      columns_.push_back({property.key(), column_type_of(property.value())});
    }
  }
  const bool infer = spec_.schema.is_null();
  std::vector<TypeCandidates> candidates;
  std::uint64_t sampled = 0;
  std::vector<CsvField> row;
  for (const std::string &path : files_) {
    MappedFile file(path);
    CsvParser parser(file.contents(), spec_.delimiter);
    std::vector<CsvField> header;
    try {
      if (!parser.next_row(header)) continue;
    } catch (const std::runtime_error &error) {
      throw FatalError(stream + ", file '" + path + "': " + error.what());
    }
    std::vector<std::size_t> positions;
    for (const CsvField &field : header) {
      std::size_t at = columns_.size();
      for (std::size_t i = 0; i < columns_.size(); ++i) {
        if (columns_[i].name == field.text) at = i;
      }
      if (at == columns_.size()) {
        if (!infer) {
          throw FatalError(stream + ", file '" + path + "': header column '" +
                           std::string(field.text) +
                           "' is not in the declared `schema`; add it there");
        }
        if (field.text.empty()) {
          throw FatalError(stream + ", file '" + path + "' line " +
                           std::to_string(parser.row_line()) +
                           ": a header column has no name; name every column");
        }
        columns_.push_back({std::string(field.text), ColumnType::String});
      }
      positions.push_back(at);
    }
    if (!infer) continue;
    candidates.resize(columns_.size());
    try {
      while ((options_.infer_sample_rows == 0 || sampled < options_.infer_sample_rows) &&
             parser.next_row(row)) {
        ++sampled;
        for (std::size_t i = 0; i < row.size() && i < positions.size(); ++i) {
          candidates[positions[i]].observe(row[i].text);
        }
      }
    } catch (const std::runtime_error &error) {
      throw FatalError(stream + ", file '" + path + "': " + error.what());
    }
  }
  if (infer) {
    candidates.resize(columns_.size());
    for (std::size_t i = 0; i < columns_.size(); ++i) columns_[i].type = candidates[i].type();
  }
  auto has_column = [&](const std::string &name) {
    for (const Column &column : columns_) {
      if (column.name == name) return true;
    }
    return false;
  };
  if (!files_.empty() || !infer) {
    for (const std::string &key : spec_.keys) {
      if (!has_column(key)) {
        throw ConfigError(stream + ": key '" + key + "' is not a column of the files");
      }
    }
    if (!spec_.replication_key.empty() && !has_column(spec_.replication_key)) {
      throw ConfigError(stream + ": replication_key '" + spec_.replication_key +
                        "' is not a column of the files");
    }
  }
}

nlohmann::json CsvStream::schema() const {
  if (!spec_.schema.is_null()) return spec_.schema;
  nlohmann::json properties = nlohmann::json::object();
  for (const Column &column : columns_) properties[column.name] = json_schema_of(column.type);
  return {{"type", "object"}, {"properties", properties}};
}

std::vector<std::string> CsvStream::property_order() const {
  std::vector<std::string> names;
  for (const Column &column : columns_) names.push_back(column.name);
  return names;
}

std::vector<std::string> CsvStream::replication_keys() const {
  if (spec_.replication_key.empty()) return {};
  return {spec_.replication_key};
}

void CsvStream::sync(StreamSync &sync) {
  time_extracted_ = singer::utc_now_rfc3339();
  std::vector<bool> selected(columns_.size(), true);
  for (const std::string &name : sync.entry().deselected_properties) {
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (columns_[i].name == name) selected[i] = false;
    }
  }

  if (partition_step(sync, "tap-csv", spec_.entity, spec_.keys, options_.partition)) return;
  if (options_.partition.active()) return sync_slice(sync, selected);

  std::unique_ptr<ReplicationCursor> cursor;
  const std::string &key = sync.replication_key();
  if (sync.replication_method() == ReplicationMethod::Incremental && !key.empty()) {
    ColumnType key_type = ColumnType::String;
    bool found = false;
    for (const Column &column : columns_) {
      if (column.name == key) {
        key_type = column.type;
        found = true;
      }
    }
    if (!found) {
      throw ConfigError("tap-csv: stream '" + spec_.entity + "': replication key '" + key +
                        "' is not a column of the files");
    }
    nlohmann::json start;
    const nlohmann::json &bookmark = sync.bookmark();
    if (bookmark.is_object() && bookmark.contains("replication_key_value") &&
        bookmark.value("replication_key", key) == key) {
      start = bookmark["replication_key_value"];
    }
    cursor = std::make_unique<ReplicationCursor>(key, key_type, start);
  }

  std::uint64_t since_state = 0;
  bool complete = true;
  for (const std::string &path : files_) {
    if (sync.stop_requested() || !sync_file(path, sync, cursor.get(), selected, since_state)) {
      complete = false;
      break;
    }
  }
  // A stream stopped half way may only advance its bookmark when the keys came in order.
  if (cursor && (complete || cursor->sorted_so_far())) {
    nlohmann::json bookmark = cursor->bookmark();
    if (!bookmark.is_null()) sync.set_bookmark(std::move(bookmark));
  }
}

void CsvStream::sync_slice(StreamSync &sync, const std::vector<bool> &selected) {
  const TablePartition &partition = options_.partition;
  // No ordered key to resume after: a slice run again reads its files again, and the target's
  // upsert on the stream's keys makes that harmless.
  FullTableBookmark full(sync, spec_.entity, sync.bookmark(), "tap-csv", {}, options_.state_every,
                         partition);
  std::vector<std::string> mine;
  for (const std::string &path : files_) {
    if (partition.deals(path)) mine.push_back(path);
  }
  std::string names;
  for (const std::string &path : mine) names += (names.empty() ? ": " : ", ") + path;
  sync.context().info("tap-csv: stream '" + spec_.entity + "': " + partition.describe() +
                      " reads " + std::to_string(mine.size()) + " of the " +
                      std::to_string(files_.size()) + " files" + names);
  version_ = full.version();
  full.begin();
  std::uint64_t since_state = 0;
  for (const std::string &path : mine) {
    if (sync.stop_requested() || !sync_file(path, sync, nullptr, selected, since_state)) return;
  }
  full.finish();
}

bool CsvStream::sync_file(const std::string &path, StreamSync &sync, ReplicationCursor *cursor,
                          const std::vector<bool> &selected, std::uint64_t &since_state) {
  const std::string where = "tap-csv: stream '" + spec_.entity + "', file '" + path + "'";
  MappedFile file(path);
  CsvParser parser(file.contents(), spec_.delimiter);
  std::vector<std::size_t> positions;
  try {
    positions = read_header(parser, columns_, where);
  } catch (const std::runtime_error &error) {
    if (dynamic_cast<const FatalError *>(&error) != nullptr) throw;
    throw FatalError(where + ": " + error.what());
  }
  if (positions.empty()) return true;

  std::size_t key_position = positions.size();
  if (cursor != nullptr) {
    for (std::size_t i = 0; i < positions.size(); ++i) {
      if (columns_[positions[i]].name == sync.replication_key()) key_position = i;
    }
  }

  singer::MessageWriter &out = sync.out();
  const std::string_view stream = spec_.entity;
  std::vector<CsvField> row;
  std::string timestamp_text;
  const std::uint64_t state_every = options_.state_every;

  auto fail = [&](std::size_t position, std::string_view value) {
    const Column &column = columns_[positions[position]];
    std::string hint = spec_.schema.is_null()
                           ? "; the type was inferred from the first rows: declare the column's "
                             "type in the `schema` setting or raise `infer_sample_rows` (0 reads "
                             "every row)"
                           : "; fix the value or the declared `schema`";
    throw FatalError(where + " line " + std::to_string(parser.row_line()) + ", column '" +
                     column.name + "': value " + quote_for_message(value) + " is not a " +
                     std::string(to_string(column.type)) + hint);
  };

  while (true) {
    try {
      if (!parser.next_row(row)) break;
    } catch (const std::runtime_error &error) {
      throw FatalError(where + ": " + error.what());
    }
    if (row.size() != positions.size()) {
      throw FatalError(where + " line " + std::to_string(parser.row_line()) + ": the row has " +
                       std::to_string(row.size()) + " fields but the header has " +
                       std::to_string(positions.size()) +
                       "; quote fields that contain the delimiter");
    }
    if (key_position < row.size()) {
      bool valid = true;
      bool wanted = cursor->wants(row[key_position].text, valid);
      if (!valid) fail(key_position, row[key_position].text);
      if (!wanted) continue;
    }

    out.begin_record(stream);
    for (std::size_t i = 0; i < row.size(); ++i) {
      const std::size_t column_index = positions[i];
      if (!selected[column_index]) continue;
      const Column &column = columns_[column_index];
      const CsvField &field = row[i];
      const std::string_view text = field.text;
      if (text.empty()) {
        if (field.quoted && column.type == ColumnType::String) {
          out.add_string(column.name, text);
        } else {
          out.add_null(column.name);
        }
        continue;
      }
      switch (column.type) {
        case ColumnType::String:
          out.add_string(column.name, text);
          break;
        case ColumnType::Integer:
          if (!is_integer_text(text)) fail(i, text);
          out.add_number(column.name, text);
          break;
        case ColumnType::Number:
          if (!is_json_number(text)) fail(i, text);
          out.add_number(column.name, text);
          break;
        case ColumnType::Boolean: {
          bool value = false;
          if (!parse_boolean(text, value)) fail(i, text);
          out.add_bool(column.name, value);
          break;
        }
        case ColumnType::DateTime: {
          Timestamp ts;
          if (!parse_timestamp(text, ts)) fail(i, text);
          timestamp_text.clear();
          append_rfc3339(timestamp_text, ts);
          out.add_string(column.name, timestamp_text);
          break;
        }
        case ColumnType::Date:
          if (!is_date_text(text)) fail(i, text);
          out.add_string(column.name, text);
          break;
        case ColumnType::Json:
          if (!nlohmann::json::accept(text)) fail(i, text);
          out.add_raw_json(column.name, text);
          break;
      }
    }
    version_ ? out.end_record(time_extracted_, *version_) : out.end_record(time_extracted_);
    sync.count_record();
    if (cursor != nullptr && key_position < row.size()) cursor->observe(row[key_position].text);

    if (++since_state >= state_every) {
      since_state = 0;
      if (cursor != nullptr && cursor->sorted_so_far()) {
        nlohmann::json bookmark = cursor->bookmark();
        if (!bookmark.is_null()) sync.set_bookmark(std::move(bookmark));
      }
      sync.emit_state();
      if (sync.stop_requested()) return false;
    }
  }
  return true;
}

}  // namespace chorus::tap_csv
