// A fast reader of RFC 4180 CSV files: the file is memory-mapped and rows are split in place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace chorus::tap_csv {

// One field of a row. `quoted` tells an empty quoted field ("", an empty string) from an empty
// unquoted one (a missing value).
struct CsvField {
  std::string_view text;
  bool quoted = false;
};

// A read-only memory map of a whole file. An empty file maps to an empty view.
class MappedFile {
 public:
  explicit MappedFile(const std::string &path);  // throws FatalError naming the path
  ~MappedFile();
  MappedFile(const MappedFile &) = delete;
  MappedFile &operator=(const MappedFile &) = delete;

  std::string_view contents() const { return {data_, size_}; }

 private:
  const char *data_ = nullptr;
  std::size_t size_ = 0;
};

// Splits CSV text into rows. Quoted fields may hold the delimiter, doubled quotes and line
// breaks; both "\n" and "\r\n" end a row; a leading UTF-8 byte order mark is skipped; blank lines
// are skipped. Field views point into the text, or, for quoted fields with doubled quotes, into
// storage owned by the parser that stays valid until the next call to next_row().
class CsvParser {
 public:
  CsvParser(std::string_view text, char delimiter);

  // Fills `fields` with the next row. Returns false at the end of the text. Throws
  // std::runtime_error (the caller adds the file name) on an unterminated quoted field or text
  // after a closing quote.
  bool next_row(std::vector<CsvField> &fields);

  // 1-based line on which the row last returned starts.
  std::uint64_t row_line() const { return row_line_; }
  // Bytes consumed so far.
  std::size_t offset() const { return pos_; }

 private:
  std::string_view parse_quoted(std::size_t &pos, bool &in_scratch, std::size_t &scratch_at);
  void add_span(std::size_t begin, std::size_t length, bool in_scratch, bool quoted);

  std::string_view text_;
  char delimiter_;
  std::size_t pos_ = 0;
  std::uint64_t line_ = 1;
  std::uint64_t row_line_ = 0;
  std::string scratch_;
  struct Span {
    std::size_t begin;
    std::size_t length;
    bool in_scratch;
    bool quoted;
  };
  std::vector<Span> spans_;
};

}  // namespace chorus::tap_csv
