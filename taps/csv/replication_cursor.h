// The incremental-replication bookmark of a CSV stream: which rows to read again, and the
// highest replication-key value read so far.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "value_types.h"

namespace chorus::tap_csv {

class ReplicationCursor {
 public:
  // `start` is the bookmark's replication_key_value (null: read everything).
  ReplicationCursor(std::string key_name, ColumnType key_type, const nlohmann::json &start);

  // Whether a row whose key has this text must be emitted: every row with a key >= the
  // bookmark is (rows equal to the bookmark are read again, never skipped). A row with an empty
  // key is always emitted. Returns false and leaves `valid` false when the text does not parse
  // as the key's type.
  bool wants(std::string_view text, bool &valid);
  // Records the key of a row that was emitted (after wants() said yes).
  void observe(std::string_view text);

  // Whether every key observed so far came in non-decreasing order. Only then may a STATE in the
  // middle of a stream carry the highest key: a crash after it would otherwise skip lower keys
  // still unread.
  bool sorted_so_far() const { return sorted_; }

  // {"replication_key": ..., "replication_key_value": ...} for the highest key observed, or
  // for the starting bookmark when no row was emitted; null when there is neither.
  nlohmann::json bookmark() const;

 private:
  struct Key {
    long double number = 0;
    std::string text;
  };
  bool key_of(std::string_view text, Key &key);
  int compare(const Key &a, const Key &b) const;

  std::string key_name_;
  ColumnType key_type_;
  bool numeric_;
  std::optional<Key> start_;
  nlohmann::json start_value_;
  std::optional<Key> max_;
  std::string max_value_;  // as emitted (RFC 3339 for timestamps)
  bool sorted_ = true;
  Key scratch_;
  Key last_;
  bool has_last_ = false;
};

}  // namespace chorus::tap_csv
