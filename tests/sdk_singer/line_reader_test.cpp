#include "chorus/singer/line_reader.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "../thrown_error.h"
#include "chorus/singer/errors.h"
#include "memory_file.h"

using chorus::singer::LineReader;
using chorus::singer::ProtocolError;
using chorus::singer::testing::MemoryFile;
using chorus::testing::thrown;

namespace {

std::vector<std::string> all_lines(const std::string &input, std::size_t max_line) {
  MemoryFile file(input);
  LineReader reader(file.fd(), max_line);
  std::vector<std::string> lines;
  std::string_view line;
  while (reader.next(line)) lines.emplace_back(line);
  return lines;
}

}  // namespace

TEST_CASE("lines are split on newline, and a last line without newline is still returned") {
  const auto lines = all_lines("a\nbb\n\nccc", LineReader::kDefaultMaxLine);
  CHECK(lines == std::vector<std::string>{"a", "bb", "", "ccc"});
}

TEST_CASE("a carriage return before the newline is dropped") {
  const auto lines = all_lines("one\r\ntwo\r\nthree\r", LineReader::kDefaultMaxLine);
  CHECK(lines == std::vector<std::string>{"one", "two", "three"});
}

TEST_CASE("empty input has no lines") { CHECK(all_lines("", 100).empty()); }

TEST_CASE("line numbers count every line and bytes_read every byte") {
  MemoryFile file("x\n\ny\n");
  LineReader reader(file.fd());
  std::string_view line;
  CHECK(reader.line_number() == 0);
  REQUIRE(reader.next(line));
  CHECK(reader.line_number() == 1);
  REQUIRE(reader.next(line));
  REQUIRE(reader.next(line));
  CHECK(line == "y");
  CHECK(reader.line_number() == 3);
  CHECK_FALSE(reader.next(line));
  CHECK(reader.bytes_read() == 5);
}

TEST_CASE("lines longer than the read block come back whole") {
  const std::string big(3'000'000, 'q');
  const std::string small = "after";
  const auto lines = all_lines(small + "\n" + big + "\n" + small + "\n" + big, 4'000'000);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == small);
  CHECK(lines[1] == big);
  CHECK(lines[2] == small);
  CHECK(lines[3] == big);
}

TEST_CASE("a line longer than the limit is a ProtocolError naming its line") {
  const std::string input = "short\n" + std::string(101, 'x') + "\nshort\n";
  MemoryFile file(input);
  LineReader reader(file.fd(), 100);
  std::string_view line;
  REQUIRE(reader.next(line));
  const auto error = thrown<ProtocolError>([&] { reader.next(line); }, "expected a ProtocolError");
  CHECK(error.line_number() == 2);
  CHECK(std::string(error.what()).find("longer than 100 bytes") != std::string::npos);
}

TEST_CASE("a line of exactly the limit is accepted") {
  const auto lines = all_lines(std::string(100, 'x') + "\n" + std::string(100, 'y'), 100);
  REQUIRE(lines.size() == 2);
  CHECK(lines[1].size() == 100);
}

TEST_CASE("the default limit is 64 MiB") {
  const std::size_t limit = std::size_t{64} << 20;
  std::string input = "{}\n";
  input.append(limit, 'a');
  input += "\n";
  input.append(limit + 1, 'b');
  input += "\n";
  MemoryFile file(input);
  input.clear();
  input.shrink_to_fit();
  LineReader reader(file.fd());
  std::string_view line;
  REQUIRE(reader.next(line));
  REQUIRE(reader.next(line));
  CHECK(line.size() == limit);
  const auto error = thrown<ProtocolError>([&] { reader.next(line); }, "expected a ProtocolError");
  CHECK(error.line_number() == 3);
  CHECK(std::string(error.what()).find("64 MiB") != std::string::npos);
}
