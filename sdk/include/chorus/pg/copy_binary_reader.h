// Reading PostgreSQL's binary COPY: the tuples of `COPY ... TO STDOUT (FORMAT binary)`, and each
// field as the text its type's output function writes. A binary COPY costs the server far less
// than a text one: it formats no timestamp, number or escape, which is most of a text COPY's cost.
//
// FieldText gives, byte for byte, what a text COPY of the same value gives in a session with
// TimeZone 'UTC' and DateStyle 'ISO, YMD' (unescaped): a reader that handles the text form
// handles these alike, and chooses the binary form only for speed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chorus/pg/copy_binary.h"

namespace chorus::pg::binary {

// A tuple's fields: nullopt for NULL, else the field's bytes.
using Tuple = std::vector<std::optional<std::string_view>>;

// Splits a binary COPY stream, in whatever pieces it arrives, into tuples. Throws FatalError
// (naming `source`) when the bytes are not a binary COPY stream.
class TupleReader {
 public:
  explicit TupleReader(std::string source) : source_(std::move(source)) {}

  // Calls `on_tuple` for every tuple that `bytes` completes, in order. Its views are valid only
  // during the call.
  void feed(std::string_view bytes, const std::function<void(const Tuple &)> &on_tuple);
  // The stream's end: throws unless it ended with the trailer, after the last tuple.
  void finish() const;

 private:
  // Reads what it can from `bytes`: the header, then whole tuples; returns the bytes used.
  std::size_t consume(std::string_view bytes, const std::function<void(const Tuple &)> &on_tuple);
  [[noreturn]] void malformed(const std::string &what) const;

  std::string source_;
  std::string pending_;  // the start of a header or a tuple that the next piece completes
  Tuple tuple_;
  bool header_read_ = false;
  bool ended_ = false;
};

// Whether FieldText decodes fields of `type` (every type but Float8 and Bytea, whose text forms
// it does not write).
bool has_text_form(FieldType type);

// Writes one column's binary fields as their text forms, reusing its storage from row to row.
class FieldText {
 public:
  // has_text_form(type) must hold (else std::invalid_argument).
  explicit FieldText(FieldType type);

  // `field` (a non-NULL binary field) as its text form: a view of `field` itself for the types
  // whose wire form is their text, else of storage valid until the next call. Throws
  // FatalError when the bytes are not a field of the column's type.
  std::string_view operator()(std::string_view field);

 private:
  std::string_view numeric(std::string_view field);
  std::string_view date(std::string_view field);
  std::string_view timestamp(std::string_view field, bool with_zone);
  // Writes "YYYY-MM-DD" for `days` after 2000-01-01 at `to`, and whether the year is BC. Rows
  // of a table often share their date: the last one is remembered.
  char *write_date(char *to, std::int64_t days, bool &before_christ);

  FieldType type_;
  std::string buffer_;
  std::int64_t cached_day_;
  bool cached_bc_ = false;
  std::size_t cached_size_ = 0;
  char cached_date_[24];
};

}  // namespace chorus::pg::binary
