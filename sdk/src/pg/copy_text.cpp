#include "chorus/pg/copy_text.h"

#include <cstdint>

#include "singer/word_scan.h"

namespace chorus::pg {

void append_copy_field(std::string &out, std::string_view value) {
  // Most values need no escape: copy the runs between special characters in one go, skipping
  // eight bytes at a time where none is a control byte or a backslash.
  const char *const begin = value.data();
  const char *const end = begin + value.size();
  const char *run = begin;
  for (const char *p = begin; p < end;) {
    if (end - p >= 8) {
      const std::uint64_t word = word_scan::load(p);
      if ((word_scan::bytes_below(word, 0x20) | word_scan::bytes_equal(word, '\\')) == 0) {
        p += 8;
        continue;
      }
    }
    const char *escaped;
    switch (*p) {
      case '\\':
        escaped = "\\\\";
        break;
      case '\t':
        escaped = "\\t";
        break;
      case '\n':
        escaped = "\\n";
        break;
      case '\r':
        escaped = "\\r";
        break;
      default:
        ++p;
        continue;
    }
    out.append(run, static_cast<std::size_t>(p - run));
    out.append(escaped, 2);
    run = ++p;
  }
  out.append(run, static_cast<std::size_t>(end - run));
}

void append_copy_null(std::string &out) { out += "\\N"; }

namespace {

// COPY's one-letter escapes ("\\n") and, at the same position, the byte each stands for.
constexpr std::string_view kEscapeLetters = "bfnrtv";
constexpr std::string_view kEscapedBytes = "\b\f\n\r\t\v";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Unescapes the field part that starts at line[i] into `out`, up to the next unescaped tab or
// the end of the line; returns the position of that tab (or the line's size).
std::size_t unescape_field(std::string_view line, std::size_t i, std::string &out) {
  while (i < line.size()) {
    const char c = line[i];
    if (c == '\t') break;
    if (c != '\\' || i + 1 >= line.size()) {
      // Plain characters up to the next tab or backslash go in as one run.
      std::size_t run_end = i + 1;
      while (run_end < line.size() && line[run_end] != '\t' && line[run_end] != '\\') ++run_end;
      out.append(line.data() + i, run_end - i);
      i = run_end;
      continue;
    }
    const char e = line[i + 1];
    i += 2;
    const std::size_t letter = kEscapeLetters.find(e);
    if (letter != std::string_view::npos) {
      out.push_back(kEscapedBytes[letter]);
      continue;
    }
    if (e == 'x') {
      int value = 0;
      int digits = 0;
      while (digits < 2 && i < line.size() && hex_value(line[i]) >= 0) {
        value = value * 16 + hex_value(line[i++]);
        ++digits;
      }
      out.push_back(digits == 0 ? 'x' : static_cast<char>(value));
    } else if (e >= '0' && e <= '7') {
      int value = e - '0';
      int digits = 1;
      while (digits < 3 && i < line.size() && line[i] >= '0' && line[i] <= '7') {
        value = value * 8 + (line[i++] - '0');
        ++digits;
      }
      out.push_back(static_cast<char>(value));
    } else {
      out.push_back(e);  // "\\" and any other escaped character stand for themselves
    }
  }
  return i;
}

}  // namespace

const std::vector<std::optional<std::string_view>> &CopyLineParser::parse(std::string_view line) {
  storage_.clear();
  spans_.clear();
  sources_.clear();
  std::size_t i = 0;
  for (;;) {
    const std::size_t begin = i;
    while (i < line.size() && line[i] != '\t' && line[i] != '\\') ++i;
    if (i == line.size() || line[i] == '\t') {
      // No backslash: the field is the line's own bytes, viewed without a copy.
      spans_.emplace_back(begin, i - begin);
      sources_.push_back(Source::Line);
    } else {
      const std::size_t start = storage_.size();
      storage_.append(line.data() + begin, i - begin);
      i = unescape_field(line, i, storage_);
      if (line.substr(begin, i - begin) == "\\N") {
        storage_.resize(start);
        spans_.emplace_back(0, 0);
        sources_.push_back(Source::Null);
      } else {
        spans_.emplace_back(start, storage_.size() - start);
        sources_.push_back(Source::Storage);
      }
    }
    if (i >= line.size()) break;
    ++i;  // the tab
  }
  fields_.clear();
  for (std::size_t f = 0; f < spans_.size(); ++f) {
    const auto [offset, size] = spans_[f];
    switch (sources_[f]) {
      case Source::Null:
        fields_.emplace_back(std::nullopt);
        break;
      case Source::Line:
        fields_.emplace_back(line.substr(offset, size));
        break;
      case Source::Storage:
        fields_.emplace_back(std::string_view(storage_).substr(offset, size));
        break;
    }
  }
  return fields_;
}

}  // namespace chorus::pg
