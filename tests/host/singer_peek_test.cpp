#include "pipeline/singer_peek.h"

#include <doctest/doctest.h>

using namespace chorus::host;

TEST_CASE("a RECORD line's type and stream are found without parsing the record") {
  auto peek = peek_singer_line(R"({"type":"RECORD","stream":"orders","record":{"id":1}})");
  CHECK(peek.kind == SingerKind::Record);
  CHECK(stream_name(peek) == "orders");
}

TEST_CASE("keys in any order, with spaces, and the type in any case are recognised") {
  auto spaced =
      peek_singer_line(R"({ "stream" : "users", "record": {"a": "}\"{"}, "type": "record" })");
  CHECK(spaced.kind == SingerKind::Record);
  CHECK(stream_name(spaced) == "users");
  auto record_first = peek_singer_line(
      R"({"record":{"nested":[1,{"x":"]"}],"s":"a\\"},"type":"RECORD","stream":"z"})");
  CHECK(record_first.kind == SingerKind::Record);
  CHECK(stream_name(record_first) == "z");
}

TEST_CASE("an escaped stream name is decoded") {
  auto peek = peek_singer_line(R"({"type":"RECORD","stream":"a\"b\\c\u00e9","record":{}})");
  CHECK(peek.kind == SingerKind::Record);
  CHECK(peek.stream_escaped);
  CHECK(stream_name(peek) == "a\"b\\c\xc3\xa9");
}

TEST_CASE("STATE lines are told apart from other messages and from malformed lines") {
  CHECK(peek_singer_line(R"({"type":"STATE","value":{"bookmarks":{}}})").kind == SingerKind::State);
  CHECK(peek_singer_line(R"({"value":{},"type":"state"})").kind == SingerKind::State);
  CHECK(peek_singer_line(R"({"type":"SCHEMA","stream":"a","schema":{}})").kind ==
        SingerKind::Other);
  CHECK(peek_singer_line(R"({"type":"RECORD","record":{}})").kind == SingerKind::Other);
  CHECK(peek_singer_line("not json").kind == SingerKind::Other);
  CHECK(peek_singer_line(R"({"type":"RECORD","stream":"cut)").kind == SingerKind::Other);
  CHECK(peek_singer_line(R"({"type":5,"stream":"a"})").kind == SingerKind::Other);
  CHECK(peek_singer_line("").kind == SingerKind::Other);
}

TEST_CASE("the compact form chorus plugins write takes the short path, escapes the long one") {
  auto compact = peek_singer_line(R"({"type":"RECORD","stream":"orders","record":{}})");
  CHECK(compact.kind == SingerKind::Record);
  CHECK_FALSE(compact.stream_escaped);
  CHECK(compact.raw_stream == "orders");
  auto escaped = peek_singer_line(R"({"type":"RECORD","stream":"a\"b","record":{}})");
  CHECK(escaped.kind == SingerKind::Record);
  CHECK(stream_name(escaped) == "a\"b");
}
