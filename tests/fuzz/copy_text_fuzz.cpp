// The PostgreSQL COPY text codec: parsing arbitrary lines must not crash, and any field that
// append_copy_field escapes must parse back to exactly the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "chorus/pg/copy_text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char *>(data), size);
  chorus::pg::CopyLineParser parser;
  (void)parser.parse(input);

  // Round trip: the input split at its first byte 0x01 into two fields, one NULL field between.
  const std::size_t cut = input.find('\x01');
  const std::string_view first = input.substr(0, cut);
  const std::string_view second =
      cut == std::string_view::npos ? std::string_view() : input.substr(cut + 1);
  std::string line;
  chorus::pg::append_copy_field(line, first);
  line += '\t';
  chorus::pg::append_copy_null(line);
  line += '\t';
  chorus::pg::append_copy_field(line, second);
  const auto &fields = parser.parse(line);
  if (fields.size() != 3 || !fields[0] || *fields[0] != first || fields[1] || !fields[2] ||
      *fields[2] != second) {
    std::abort();  // the codec changed a value
  }
  return 0;
}
