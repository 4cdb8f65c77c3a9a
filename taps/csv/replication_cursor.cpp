#include "replication_cursor.h"

#include <cstdlib>

#include "chorus/plugin/errors.h"

namespace chorus::tap_csv {

ReplicationCursor::ReplicationCursor(std::string key_name, ColumnType key_type,
                                     const nlohmann::json &start)
    : key_name_(std::move(key_name)),
      key_type_(key_type),
      numeric_(key_type == ColumnType::Integer || key_type == ColumnType::Number) {
  if (start.is_null()) return;
  std::string text = start.is_string() ? start.get<std::string>() : start.dump();
  Key key;
  if (!key_of(text, key)) {
    throw ConfigError("tap-csv: the state's bookmark value '" + text + "' for replication key '" +
                      key_name_ + "' is not a " + std::string(to_string(key_type_)) +
                      "; remove the stream's bookmark from the state or run with --full-refresh");
  }
  start_ = std::move(key);
  start_value_ = start;
}

bool ReplicationCursor::key_of(std::string_view text, Key &key) {
  key.text.clear();
  switch (key_type_) {
    case ColumnType::Integer:
    case ColumnType::Number: {
      if (!is_json_number(text)) return false;
      std::string copy(text);
      key.number = std::strtold(copy.c_str(), nullptr);
      return true;
    }
    case ColumnType::DateTime: {
      Timestamp ts;
      if (!parse_timestamp(text, ts)) return false;
      append_utc_sort_key(key.text, ts);
      return true;
    }
    default:
      key.text.assign(text);
      return true;
  }
}

int ReplicationCursor::compare(const Key &a, const Key &b) const {
  if (numeric_) return a.number < b.number ? -1 : (a.number > b.number ? 1 : 0);
  return a.text.compare(b.text);
}

bool ReplicationCursor::wants(std::string_view text, bool &valid) {
  valid = true;
  if (text.empty()) return true;
  if (!key_of(text, scratch_)) {
    valid = false;
    return false;
  }
  return !start_ || compare(scratch_, *start_) >= 0;
}

void ReplicationCursor::observe(std::string_view text) {
  if (text.empty() || !key_of(text, scratch_)) return;
  if (has_last_ && compare(scratch_, last_) < 0) sorted_ = false;
  std::swap(last_, scratch_);
  has_last_ = true;
  if (!max_ || compare(last_, *max_) > 0) {
    max_ = last_;
    max_value_.clear();
    Timestamp ts;
    if (key_type_ == ColumnType::DateTime && parse_timestamp(text, ts)) {
      append_rfc3339(max_value_, ts);
    } else {
      max_value_.assign(text);
    }
  }
}

nlohmann::json ReplicationCursor::bookmark() const {
  nlohmann::json value;
  if (max_ && (!start_ || compare(*max_, *start_) >= 0)) {
    if (key_type_ == ColumnType::Integer) {
      value = nlohmann::json::parse(max_value_);
    } else {
      value = max_value_;
    }
  } else if (start_) {
    value = start_value_;
  } else {
    return nullptr;
  }
  return {{"replication_key", key_name_}, {"replication_key_value", value}};
}

}  // namespace chorus::tap_csv
