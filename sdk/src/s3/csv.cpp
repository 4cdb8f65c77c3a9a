#include "chorus/s3/csv.h"

#include <cstring>

namespace chorus::s3 {

void append_csv_quoted(std::string &out, std::string_view text) {
  const std::size_t old_size = out.size();
  out.resize(old_size + 2 * text.size() + 2);
  char *end = write_csv_quoted(out.data() + old_size, text);
  out.resize(static_cast<std::size_t>(end - out.data()));
}

void append_csv_value(std::string &out, const singer::Value &value) {
  const std::size_t old_size = out.size();
  out.resize(old_size + csv_bound(value));
  char *end = write_csv_value(out.data() + old_size, value);
  out.resize(static_cast<std::size_t>(end - out.data()));
}

}  // namespace chorus::s3
