// Decodes the row images of the binary log's ROWS events (row-based replication) by the column
// types and metadata of their TABLE_MAP event, into the field bytes the text protocol would
// give for the same values, so that ValueWriter writes both alike:
//   integers, DECIMAL, FLOAT/DOUBLE, temporal types -> the server's text for them;
//   strings, bytes -> the stored bytes; BIT -> its big-endian bytes; ENUM/SET -> member names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "column_types.h"

namespace chorus::tap_mysql {

// One column of a TABLE_MAP event: its binary-log type and the metadata that type has.
struct RowImageColumn {
  std::uint8_t type = 0;
  std::uint16_t meta = 0;
};

class RowImageDecoder {
 public:
  // `types` and `metadata` are the TABLE_MAP event's column type bytes and metadata block;
  // `columns` the table's columns in ordinal order. Throws FatalError when a type cannot be
  // decoded (MySQL's binary JSON, a type this decoder does not know).
  RowImageDecoder(std::string_view types, std::string_view metadata,
                  const std::vector<ColumnType> &columns, const std::string &stream);

  // Whether the map's column types fit the first of `columns` (false after a schema change
  // that the table's current columns do not describe). An event with fewer columns than the
  // table is one from before columns were added at the end (ALTER TABLE ... ADD COLUMN).
  bool matches() const { return matches_; }
  // How many of the table's columns the event has (the rest are absent from its rows).
  std::size_t column_count() const { return map_.size(); }

  // Decodes one image at the start of `data`: the columns whose bit is set in `present` (a
  // bitmap of the event's column count), each null or its bytes, into `fields` (one entry per
  // column; absent columns are nullopt). The views stay valid until the next decode() and
  // while `data` lives. Returns the bytes the image took.
  std::size_t decode(std::string_view data, const unsigned char *present,
                     std::vector<std::optional<std::string_view>> &fields);

 private:
  using Column = RowImageColumn;
  std::string_view decode_value(std::size_t index, std::string_view data, std::size_t &used);

  std::vector<Column> map_;
  const std::vector<ColumnType> &columns_;
  std::string stream_;
  bool matches_ = true;
  std::vector<std::string> text_;  // per column: the text decode_value() made
};

// "YYYY-MM-DD hh:mm:ss" in UTC of `seconds` since 1970-01-01 (TIMESTAMP's storage).
std::string utc_text(std::int64_t seconds);

}  // namespace chorus::tap_mysql
