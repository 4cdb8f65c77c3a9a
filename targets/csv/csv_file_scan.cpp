#include "csv_file_scan.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "chorus/plugin/errors.h"

namespace chorus::target_csv {
namespace {

constexpr std::size_t kIncomplete = std::string_view::npos;

// The file, mapped read-only (its pages are the page cache's, not the process's).
class MappedFile {
 public:
  explicit MappedFile(const std::string &path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(path, errno);
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
      const int error = errno;
      ::close(fd);
      fail(path, error);
    }
    size_ = static_cast<std::size_t>(info.st_size);
    if (size_ > 0) {
      void *data = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (data == MAP_FAILED) {
        const int error = errno;
        ::close(fd);
        fail(path, error);
      }
      data_ = static_cast<const char *>(data);
      ::madvise(data, size_, MADV_SEQUENTIAL);
    }
    ::close(fd);
  }
  ~MappedFile() {
    if (data_ != nullptr) ::munmap(const_cast<char *>(data_), size_);
  }
  MappedFile(const MappedFile &) = delete;
  MappedFile &operator=(const MappedFile &) = delete;
  std::string_view text() const { return {data_, size_}; }

 private:
  [[noreturn]] static void fail(const std::string &path, int error) {
    throw FatalError("target-csv: cannot read '" + path + "': " + std::strerror(error));
  }
  const char *data_ = nullptr;
  std::size_t size_ = 0;
};

// Splits the row starting at `at` into `cells`; returns the offset just past its '\n', or
// kIncomplete when the text ends first. `bad` is set when a quoted cell is followed by
// something other than a delimiter or the line break.
std::size_t split_row(std::string_view text, std::size_t at, char delimiter,
                      std::vector<std::string_view> &cells, bool &bad) {
  cells.clear();
  bad = false;
  std::size_t cell = at;
  for (;;) {
    std::size_t end;
    if (cell < text.size() && text[cell] == '"') {
      std::size_t q = cell + 1;
      for (;;) {
        q = text.find('"', q);
        if (q == std::string_view::npos) return kIncomplete;
        if (q + 1 < text.size() && text[q + 1] == '"') {
          q += 2;
          continue;
        }
        break;
      }
      end = q + 1;
      if (end < text.size() && text[end] != delimiter && text[end] != '\n') bad = true;
      if (bad) {
        const std::size_t line_end = text.find('\n', end);
        return line_end == std::string_view::npos ? kIncomplete : line_end + 1;
      }
    } else {
      end = cell;
      while (end < text.size() && text[end] != delimiter && text[end] != '\n') ++end;
    }
    if (end >= text.size()) return kIncomplete;
    cells.push_back(text.substr(cell, end - cell));
    if (text[end] == '\n') return end + 1;
    cell = end + 1;
  }
}

}  // namespace

std::string unquote_csv_cell(std::string_view cell) {
  if (cell.size() < 2 || cell.front() != '"') return std::string(cell);
  std::string text;
  text.reserve(cell.size() - 2);
  for (std::size_t i = 1; i + 1 < cell.size(); ++i) {
    text.push_back(cell[i]);
    if (cell[i] == '"') ++i;  // the second quote of a doubled pair
  }
  return text;
}

CsvFileScan scan_csv_file(const std::string &path, char delimiter, const CsvRowVisitor &on_row) {
  MappedFile file(path);
  const std::string_view text = file.text();
  CsvFileScan scan;
  std::vector<std::string_view> cells;
  bool bad = false;
  std::size_t next = split_row(text, 0, delimiter, cells, bad);
  if (next == kIncomplete) return scan;
  if (bad) {
    throw FatalError("target-csv: the header row of '" + path +
                     "' is not CSV this target wrote; move the file away or set another "
                     "destination_path");
  }
  for (const std::string_view name : cells) scan.header.push_back(unquote_csv_cell(name));
  scan.header_length = next;
  scan.complete_length = next;
  while (scan.complete_length < text.size()) {
    const std::size_t row_start = scan.complete_length;
    next = split_row(text, row_start, delimiter, cells, bad);
    if (next == kIncomplete) break;
    if (bad) {
      throw FatalError("target-csv: row " + std::to_string(scan.rows + 1) + " of '" + path +
                       "' is not CSV this target wrote (text after a closing quote); move the "
                       "file away or set another destination_path");
    }
    on_row(scan.header, cells, text.substr(row_start, next - 1 - row_start));
    ++scan.rows;
    scan.complete_length = next;
  }
  return scan;
}

}  // namespace chorus::target_csv
