// tap-csv's CSV parser on arbitrary text: every input splits into rows or is refused with
// std::runtime_error (an unterminated quote, text after a closing quote); fields always lie
// inside the text or the parser's own storage.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "../../taps/csv/csv_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks the delimiter, as a user's setting would.
  const char delimiters[] = {',', ';', '\t', '|'};
  const char delimiter = delimiters[data[0] % sizeof delimiters];
  const std::string_view text(reinterpret_cast<const char *>(data) + 1, size - 1);
  chorus::tap_csv::CsvParser parser(text, delimiter);
  std::vector<chorus::tap_csv::CsvField> fields;
  std::size_t bytes_seen = 0;
  try {
    while (parser.next_row(fields)) {
      for (const auto &field : fields) bytes_seen += field.text.size();
    }
  } catch (const std::runtime_error &) {
  }
  (void)bytes_seen;
  return 0;
}
