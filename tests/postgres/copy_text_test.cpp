// The COPY text codec: what target-postgres sends and tap-postgres reads.
#include "chorus/pg/copy_text.h"

#include <doctest/doctest.h>

using chorus::pg::append_copy_field;
using chorus::pg::append_copy_null;
using chorus::pg::CopyLineParser;

TEST_CASE("fields are escaped so that tabs, newlines and backslashes survive") {
  std::string line;
  append_copy_field(line, "plain");
  line += '\t';
  append_copy_field(line, "a\tb\nc\rd\\e");
  line += '\t';
  append_copy_field(line, "");
  line += '\t';
  append_copy_null(line);
  CHECK(line == "plain\ta\\tb\\nc\\rd\\\\e\t\t\\N");

  CopyLineParser parser;
  const auto &fields = parser.parse(line);
  REQUIRE(fields.size() == 4);
  CHECK(fields[0] == std::optional<std::string_view>("plain"));
  CHECK(fields[1] == std::optional<std::string_view>("a\tb\nc\rd\\e"));
  CHECK(fields[2] == std::optional<std::string_view>(""));  // empty is not NULL
  CHECK(!fields[3].has_value());
}

TEST_CASE("the parser reads every escape PostgreSQL may write") {
  CopyLineParser parser;
  const auto &fields = parser.parse("\\b\\f\\v\\x41\\101\\q\t\\\\N\ttrailing\\");
  REQUIRE(fields.size() == 3);
  CHECK(fields[0] == std::optional<std::string_view>("\b\f\vAAq"));
  CHECK(fields[1] == std::optional<std::string_view>("\\N"));  // an escaped backslash, not NULL
  CHECK(fields[2] == std::optional<std::string_view>("trailing\\"));
}

TEST_CASE("views from one line stay apart from the next line's") {
  CopyLineParser parser;
  CHECK(parser.parse("one\ttwo")[1] == std::optional<std::string_view>("two"));
  const auto &fields = parser.parse("x");
  REQUIRE(fields.size() == 1);
  CHECK(fields[0] == std::optional<std::string_view>("x"));
}

TEST_CASE("special characters are escaped wherever they stand in a long value") {
  const std::string plain = "0123456789abcdefghij";
  for (const char special : {'\\', '\t', '\n', '\r'}) {
    for (std::size_t at = 0; at <= plain.size(); ++at) {
      std::string value = plain;
      value.insert(at, 1, special);
      std::string line;
      append_copy_field(line, value);
      CHECK(line.size() == value.size() + 1);
      CopyLineParser parser;
      const auto &fields = parser.parse(line);
      REQUIRE(fields.size() == 1);
      CHECK(fields[0] == std::optional<std::string_view>(value));
    }
  }
}

TEST_CASE("a field without escapes is a view of the line, an escaped one is unescaped") {
  const std::string line = "plain\tesc\\\\aped\t\\N\tlast";
  CopyLineParser parser;
  const auto &fields = parser.parse(line);
  REQUIRE(fields.size() == 4);
  CHECK(fields[0]->data() == line.data());
  CHECK(fields[1] == std::optional<std::string_view>("esc\\aped"));
  CHECK(!fields[2].has_value());
  CHECK(fields[3]->data() == line.data() + line.size() - 4);
  CHECK(fields[3] == std::optional<std::string_view>("last"));
}
