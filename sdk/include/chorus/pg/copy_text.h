// PostgreSQL COPY text format: tab-separated fields, \N for NULL, backslash escapes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chorus::pg {

// Appends `value` escaped for a COPY text field (backslash, tab, newline, carriage return).
void append_copy_field(std::string &out, std::string_view value);
// Appends the NULL marker \N.
void append_copy_null(std::string &out);

// Splits one COPY text line into fields, unescaping them. A NULL field is nullopt. A field
// without escapes views `line` itself; an unescaped one views storage reused between calls (so
// no allocation once warm).
class CopyLineParser {
 public:
  // Returns the fields of `line` (without its '\n'). Views stay valid until the next call, and
  // no longer than `line`'s bytes.
  const std::vector<std::optional<std::string_view>> &parse(std::string_view line);

 private:
  enum class Source : std::uint8_t { Null, Line, Storage };

  std::string storage_;
  std::vector<std::optional<std::string_view>> fields_;
  std::vector<std::pair<std::size_t, std::size_t>> spans_;  // offset, size in sources_' text
  std::vector<Source> sources_;
};

}  // namespace chorus::pg
