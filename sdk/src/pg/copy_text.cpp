#include "chorus/pg/copy_text.h"

namespace chorus::pg {

void append_copy_field(std::string &out, std::string_view value) {
  // Most values need no escape: copy the runs between special characters in one go.
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char *escaped;
    switch (value[i]) {
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
        continue;
    }
    out.append(value.data() + run_start, i - run_start);
    out.append(escaped, 2);
    run_start = i + 1;
  }
  out.append(value.data() + run_start, value.size() - run_start);
}

void append_copy_null(std::string &out) { out += "\\N"; }

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

const std::vector<std::optional<std::string_view>> &CopyLineParser::parse(std::string_view line) {
  storage_.clear();
  spans_.clear();
  nulls_.clear();
  std::size_t start = 0;
  std::size_t i = 0;
  auto end_field = [&](std::size_t raw_begin, std::size_t raw_end) {
    bool is_null =
        raw_end - raw_begin == 2 && line[raw_begin] == '\\' && line[raw_begin + 1] == 'N';
    nulls_.push_back(is_null);
    if (is_null) storage_.resize(start);
    spans_.emplace_back(start, storage_.size() - start);
    start = storage_.size();
  };
  std::size_t raw_begin = 0;
  while (i < line.size()) {
    char c = line[i];
    if (c == '\t') {
      end_field(raw_begin, i);
      raw_begin = ++i;
      continue;
    }
    if (c != '\\' || i + 1 >= line.size()) {
      // Plain characters up to the next tab or backslash go in as one run.
      std::size_t run_end = i + 1;
      while (run_end < line.size() && line[run_end] != '\t' && line[run_end] != '\\') ++run_end;
      storage_.append(line.data() + i, run_end - i);
      i = run_end;
      continue;
    }
    char e = line[i + 1];
    i += 2;
    switch (e) {
      case 'b':
        storage_.push_back('\b');
        break;
      case 'f':
        storage_.push_back('\f');
        break;
      case 'n':
        storage_.push_back('\n');
        break;
      case 'r':
        storage_.push_back('\r');
        break;
      case 't':
        storage_.push_back('\t');
        break;
      case 'v':
        storage_.push_back('\v');
        break;
      case 'x': {
        int value = 0;
        int digits = 0;
        while (digits < 2 && i < line.size() && hex_value(line[i]) >= 0) {
          value = value * 16 + hex_value(line[i++]);
          ++digits;
        }
        if (digits == 0) {
          storage_.push_back('x');
        } else {
          storage_.push_back(static_cast<char>(value));
        }
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          int value = e - '0';
          int digits = 1;
          while (digits < 3 && i < line.size() && line[i] >= '0' && line[i] <= '7') {
            value = value * 8 + (line[i++] - '0');
            ++digits;
          }
          storage_.push_back(static_cast<char>(value));
        } else {
          storage_.push_back(e);  // "\\" and any other escaped character stand for themselves
        }
    }
  }
  end_field(raw_begin, line.size());
  fields_.clear();
  for (std::size_t f = 0; f < spans_.size(); ++f) {
    if (nulls_[f]) {
      fields_.emplace_back(std::nullopt);
    } else {
      fields_.emplace_back(std::string_view(storage_).substr(spans_[f].first, spans_[f].second));
    }
  }
  return fields_;
}

}  // namespace chorus::pg
