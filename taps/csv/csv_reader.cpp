#include "csv_reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "chorus/plugin/errors.h"

namespace chorus::tap_csv {

MappedFile::MappedFile(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw FatalError("tap-csv: cannot open '" + path + "': " + std::strerror(errno) +
                     "; check the `path` setting");
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    int error = errno;
    ::close(fd);
    throw FatalError("tap-csv: cannot stat '" + path + "': " + std::strerror(error));
  }
  size_ = static_cast<std::size_t>(info.st_size);
  if (size_ > 0) {
    void *mapped = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (mapped == MAP_FAILED) {
      int error = errno;
      ::close(fd);
      throw FatalError("tap-csv: cannot map '" + path + "': " + std::strerror(error));
    }
    // The file is read once from start to end.
    ::madvise(mapped, size_, MADV_SEQUENTIAL | MADV_WILLNEED);
    data_ = static_cast<const char *>(mapped);
  }
  ::close(fd);
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(const_cast<char *>(data_), size_);
}

namespace {

// The position of the first `delimiter` or '\n' at or after `pos`, or `size`. Unquoted fields
// are most of a CSV file, so this scan is the reader's hot loop: with SSE2 it tests 16 bytes
// at a time.
std::size_t find_field_end(const char *data, std::size_t pos, std::size_t size, char delimiter) {
#if defined(__SSE2__)
  const __m128i delimiters = _mm_set1_epi8(delimiter);
  const __m128i newlines = _mm_set1_epi8('\n');
  while (pos + 16 <= size) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i *>(data + pos));
    const int mask = _mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi8(chunk, delimiters), _mm_cmpeq_epi8(chunk, newlines)));
    if (mask != 0)
      return pos + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    pos += 16;
  }
#endif
  while (pos < size && data[pos] != delimiter && data[pos] != '\n') ++pos;
  return pos;
}

// Line breaks inside [begin, end), for line numbers in messages.
std::uint64_t count_newlines(const char *begin, const char *end) {
  std::uint64_t count = 0;
  while (begin < end) {
    const void *found = std::memchr(begin, '\n', static_cast<std::size_t>(end - begin));
    if (found == nullptr) break;
    ++count;
    begin = static_cast<const char *>(found) + 1;
  }
  return count;
}

}  // namespace

CsvParser::CsvParser(std::string_view text, char delimiter) : text_(text), delimiter_(delimiter) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

std::string_view CsvParser::parse_quoted(std::size_t &pos, bool &in_scratch,
                                         std::size_t &scratch_at) {
  // `pos` is just past the opening quote. The common case, a quoted field without doubled
  // quotes, is returned as a view into the text; only fields with "" are copied.
  const std::size_t begin = pos;
  const char *data = text_.data();
  const std::size_t size = text_.size();
  in_scratch = false;
  while (true) {
    const void *found = std::memchr(data + pos, '"', size - pos);
    if (found == nullptr) {
      throw std::runtime_error("a quoted field starting on line " + std::to_string(row_line_) +
                               " is never closed; check the quoting of the file");
    }
    std::size_t quote = static_cast<std::size_t>(static_cast<const char *>(found) - data);
    line_ += count_newlines(data + pos, data + quote);
    if (quote + 1 < size && data[quote + 1] == '"') {
      if (!in_scratch) {
        in_scratch = true;
        scratch_at = scratch_.size();
        scratch_.append(data + begin, quote + 1 - begin);
      } else {
        scratch_.append(data + pos, quote + 1 - pos);
      }
      pos = quote + 2;
      continue;
    }
    if (in_scratch) scratch_.append(data + pos, quote - pos);
    std::string_view raw(data + begin, quote - begin);
    pos = quote + 1;
    return raw;
  }
}

void CsvParser::add_span(std::size_t begin, std::size_t length, bool in_scratch, bool quoted) {
  // Member by member, for the reason given in next_row().
  Span &span = spans_.emplace_back();
  span.begin = begin;
  span.length = length;
  span.in_scratch = in_scratch;
  span.quoted = quoted;
}

bool CsvParser::next_row(std::vector<CsvField> &fields) {
  fields.clear();
  spans_.clear();
  scratch_.clear();
  const char *data = text_.data();
  const std::size_t size = text_.size();

  // Blank lines carry no row.
  while (pos_ < size && (data[pos_] == '\n' || data[pos_] == '\r')) {
    line_ += data[pos_] == '\n';
    ++pos_;
  }
  if (pos_ >= size) return false;
  row_line_ = line_;

  std::size_t pos = pos_;
  const char delimiter = delimiter_;
  while (true) {
    if (pos < size && data[pos] == '"') {
      ++pos;
      bool in_scratch = false;
      std::size_t scratch_at = 0;
      std::string_view raw = parse_quoted(pos, in_scratch, scratch_at);
      if (in_scratch) {
        add_span(scratch_at, scratch_.size() - scratch_at, true, true);
      } else {
        add_span(static_cast<std::size_t>(raw.data() - data), raw.size(), false, true);
      }
      if (pos < size && data[pos] == '\r' && (pos + 1 == size || data[pos + 1] == '\n')) ++pos;
      if (pos >= size) break;
      if (data[pos] == delimiter) {
        ++pos;
        continue;
      }
      if (data[pos] == '\n') {
        ++pos;
        ++line_;
        break;
      }
      throw std::runtime_error("line " + std::to_string(line_) +
                               ": unexpected text after a closing quote; a quote inside a "
                               "quoted field must be doubled (\"\")");
    }
    std::size_t begin = pos;
    pos = find_field_end(data, pos, size, delimiter);
    std::size_t end = pos;
    if (end > begin && data[end - 1] == '\r' && (end == size || data[end] == '\n')) --end;
    add_span(begin, end - begin, false, false);
    if (pos >= size) break;
    if (data[pos] == delimiter) {
      ++pos;
      continue;
    }
    ++pos;  // '\n'
    ++line_;
    break;
  }
  pos_ = pos;

  fields.reserve(spans_.size());
  for (const Span &span : spans_) {
    const char *base = span.in_scratch ? scratch_.data() : data;
    // Member by member, not from a braced temporary: GCC builds the temporary on the stack with
    // narrower stores than the wide load that copies it, and the load then waits for the
    // stores to retire (a failed store forwarding on every field).
    CsvField &field = fields.emplace_back();
    field.text = std::string_view(base + span.begin, span.length);
    field.quoted = span.quoted;
  }
  return true;
}

}  // namespace chorus::tap_csv
