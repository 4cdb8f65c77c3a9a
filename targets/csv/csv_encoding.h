// How target-csv writes one value as an RFC 4180 field.
//
//   NULL          -> an empty, unquoted field:  a,,c
//   empty string  -> a quoted empty field:      a,"",c
//   text          -> as is, or quoted (with `"` doubled) only when it holds the delimiter, a
//                    quote, a line break, or starts or ends with a space
//   number, bool  -> as is (numbers keep their original digits)
//   object, array -> their JSON text, quoted when needed like text
//
// Minimal quoting keeps the files readable and diff-able; the warehouse loaders quote every
// text field instead (chorus/s3/csv.h), which is what their COPY commands prefer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "chorus/singer/message.h"

namespace chorus::target_csv {

// The most bytes a field of `size` bytes takes: quoted, with every byte a doubled quote.
constexpr std::size_t longest_csv_field(std::size_t size) { return 2 * size + 2; }

// How a cell holds its text: nothing (NULL), the text as it is (numbers, booleans and what
// chorus formats itself hold nothing to quote), or the text as a field, quoted when needed.
enum class CellForm : std::uint8_t { Empty, AsIs, Field };

inline CellForm cell_form(const singer::Value &value) {
  switch (value.kind) {
    case singer::ValueKind::Null:
      return CellForm::Empty;
    case singer::ValueKind::Number:
    case singer::ValueKind::Boolean:
      return CellForm::AsIs;
    case singer::ValueKind::String:
    case singer::ValueKind::Object:
    case singer::ValueKind::Array:
      break;
  }
  return CellForm::Field;
}

// The most bytes a cell of `form` holding `text` takes.
constexpr std::size_t longest_cell(CellForm form, std::string_view text) {
  return form == CellForm::Field ? longest_csv_field(text.size()) : text.size();
}

// Write the field or cell at `out`, which has room for its longest size; return its end.
char *write_csv_field(char *out, std::string_view text, char delimiter);
inline char *write_csv_cell(char *out, CellForm form, std::string_view text, char delimiter) {
  switch (form) {
    case CellForm::Empty:
      return out;
    case CellForm::AsIs:
      std::memcpy(out, text.data(), text.size());
      return out + text.size();
    case CellForm::Field:
      break;
  }
  return write_csv_field(out, text, delimiter);
}

void append_csv_field(std::string &out, std::string_view text, char delimiter);
void append_csv_value(std::string &out, const singer::Value &value, char delimiter);

}  // namespace chorus::target_csv
