// Reads back a CSV file target-csv wrote (RFC 4180, a header row, '\n' after every row), so a
// later run can append to it: its columns, its rows' raw cells, and where its last complete row
// ends. A quoted cell may hold line breaks, so rows are found by reading from the start.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace chorus::target_csv {

struct CsvFileScan {
  std::vector<std::string> header;    // column names, unquoted; empty when no complete header row
  std::uint64_t header_length = 0;    // bytes of the header row, its line break included
  std::uint64_t complete_length = 0;  // bytes up to the end of the last complete row
  std::uint64_t rows = 0;             // complete data rows
};

// One data row: the file's header, the row's cells as they are in the file (quotes and doubled
// quotes kept) and the row's text without its line break.
using CsvRowVisitor =
    std::function<void(const std::vector<std::string> &header,
                       const std::vector<std::string_view> &cells, std::string_view row)>;

// Scans `path` (which must exist). Throws FatalError naming the file and row when a complete
// row is not valid CSV (a quote closed in the middle of a cell).
CsvFileScan scan_csv_file(const std::string &path, char delimiter, const CsvRowVisitor &on_row);

// The text of a cell as written by append_csv_field(): quotes removed, doubled quotes halved.
std::string unquote_csv_cell(std::string_view cell);

}  // namespace chorus::target_csv
