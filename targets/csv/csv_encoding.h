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
#include <string>
#include <string_view>

#include "chorus/singer/message.h"

namespace chorus::target_csv {

// The most bytes a field of `size` bytes takes: quoted, with every byte a doubled quote.
constexpr std::size_t longest_csv_field(std::size_t size) { return 2 * size + 2; }

// Write the field at `out`, which has room for longest_csv_field() bytes; return its end.
char *write_csv_field(char *out, std::string_view text, char delimiter);
char *write_csv_value(char *out, const singer::Value &value, char delimiter);

void append_csv_field(std::string &out, std::string_view text, char delimiter);
void append_csv_value(std::string &out, const singer::Value &value, char delimiter);

}  // namespace chorus::target_csv
