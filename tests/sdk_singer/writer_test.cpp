#include "chorus/singer/writer.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <system_error>
#include <thread>

#include "../thrown_error.h"
#include "chorus/singer/reader.h"
#include "memory_file.h"

using namespace chorus::singer;
using chorus::singer::testing::MemoryFile;
using chorus::testing::thrown;

namespace {

std::string json_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

// The escaping RFC 8259 asks for, one byte at a time, to compare the fast path against.
std::string reference_json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (byte < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", byte);
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

}  // namespace

TEST_CASE("append_json_string escapes quotes, backslashes and control characters") {
  CHECK(json_string("plain") == "\"plain\"");
  CHECK(json_string("") == "\"\"");
  CHECK(json_string("say \"hi\"") == R"("say \"hi\"")");
  CHECK(json_string("C:\\dir") == R"("C:\\dir")");
  CHECK(json_string("a\nb\rc\td\be\ff") == R"("a\nb\rc\td\be\ff")");
  CHECK(json_string(std::string_view("\x00\x01\x1f", 3)) == R"("\u0000\u0001\u001f")");
  CHECK(json_string("/ and \x7f pass") == "\"/ and \x7f pass\"");
  CHECK(json_string("caf\xc3\xa9 \xf0\x9f\x98\x80 東京") ==
        "\"caf\xc3\xa9 \xf0\x9f\x98\x80 東京\"");
}

TEST_CASE("append_json_string finds a character to escape at every position of a long string") {
  const char specials[] = {'"', '\\', '\n', '\x01', '\x1f', ' ', '\x7f', '\xc3'};
  for (std::size_t length = 1; length <= 40; ++length) {
    for (std::size_t at = 0; at < length; ++at) {
      for (const char special : specials) {
        std::string text(length, 'k');
        text[at] = special;
        CAPTURE(length);
        CAPTURE(at);
        REQUIRE(json_string(text) == reference_json_string(text));
      }
    }
  }
}

TEST_CASE("append_json_value writes each kind") {
  std::string out;
  append_json_value(out, Value{ValueKind::Null, {}});
  out += ',';
  append_json_value(out, Value{ValueKind::Boolean, "true"});
  out += ',';
  append_json_value(out, Value{ValueKind::Number, "-1.50e3"});
  out += ',';
  append_json_value(out, Value{ValueKind::String, "a\"b"});
  out += ',';
  append_json_value(out, Value{ValueKind::Object, R"({"k":[1]})"});
  CHECK(out == R"(null,true,-1.50e3,"a\"b",{"k":[1]})");
}

TEST_CASE("the direct serializer writes a RECORD line") {
  MemoryFile file;
  {
    MessageWriter writer(file.fd());
    writer.begin_record("orders");
    writer.add_int("id", -42);
    writer.add_number("amount", "12345678901234567890.123456789012345678");
    writer.add_string("name", "O'Brien \"Jr\"");
    writer.add_bool("paid", false);
    writer.add_null("note");
    writer.add_raw_json("tags", R"(["a","b"])");
    writer.end_record("2024-05-01T00:00:00Z");
    writer.begin_record("orders");
    writer.end_record({}, 3);
  }
  CHECK(file.contents() ==
        R"({"type":"RECORD","stream":"orders","record":{"id":-42,)"
        R"("amount":12345678901234567890.123456789012345678,"name":"O'Brien \"Jr\"","paid":false,)"
        R"("note":null,"tags":["a","b"]},"time_extracted":"2024-05-01T00:00:00Z"})"
        "\n"
        R"({"type":"RECORD","stream":"orders","record":{},"version":3})"
        "\n");
}

TEST_CASE("records of other streams and names than the record before are written as they are") {
  // Each place of a record remembers the key it wrote last: a changed name, a place the record
  // before did not have, a name that needs escaping and a new stream must not reuse it.
  MemoryFile file;
  {
    MessageWriter writer(file.fd());
    writer.begin_record("a");
    writer.add_int("id", 1);
    writer.add_string("x", "1");
    writer.end_record();
    writer.begin_record("a");
    writer.add_int("id", 2);
    writer.add_string("y", "2");
    writer.add_string("q\"uote", "3");
    writer.end_record();
    writer.begin_record("b\n");
    writer.add_string("q\"uote", "4");
    writer.end_record();
    writer.begin_record("a");
    writer.add_int("id", 5);
    writer.add_string("x", "5");
    writer.end_record();
  }
  CHECK(file.contents() ==
        R"({"type":"RECORD","stream":"a","record":{"id":1,"x":"1"}})"
        "\n"
        R"({"type":"RECORD","stream":"a","record":{"id":2,"y":"2","q\"uote":"3"}})"
        "\n"
        R"({"type":"RECORD","stream":"b\n","record":{"q\"uote":"4"}})"
        "\n"
        R"({"type":"RECORD","stream":"a","record":{"id":5,"x":"5"}})"
        "\n");
}

TEST_CASE("records round-trip through the writer and the reader") {
  const std::string input =
      R"({"type":"RECORD","stream":"s\"q","record":{"n":1e400,"m":-0.0,"s":"t\u0001ab\n",)"
      R"("o":{"x":[1,{"y":null}]},"a":[],"b":true,"z":null,"é":"ü"},)"
      R"("time_extracted":"2024-01-01T00:00:00+01:00","version":9})"
      "\n";
  MemoryFile source(input);
  MessageReader reader(source.fd());
  Message first;
  REQUIRE(reader.next(first));

  MemoryFile copy;
  {
    MessageWriter writer(copy.fd());
    writer.write_record(first.record);
  }
  copy.rewind();
  MessageReader again(copy.fd());
  Message second;
  REQUIRE(again.next(second));
  CHECK(second.record.stream == first.record.stream);
  CHECK(second.record.time_extracted == first.record.time_extracted);
  CHECK(second.record.version == first.record.version);
  REQUIRE(second.record.fields.size() == first.record.fields.size());
  for (std::size_t i = 0; i < first.record.fields.size(); ++i) {
    CAPTURE(i);
    CHECK(second.record.fields[i].name == first.record.fields[i].name);
    CHECK(second.record.fields[i].value.kind == first.record.fields[i].value.kind);
    CHECK(second.record.fields[i].value.text == first.record.fields[i].value.text);
  }
}

TEST_CASE("SCHEMA, STATE and ACTIVATE_VERSION round-trip through the reader") {
  MemoryFile file;
  const nlohmann::json schema = {{"type", "object"},
                                 {"properties", {{"id", {{"type", "integer"}}}}}};
  {
    MessageWriter writer(file.fd());
    writer.write_schema("orders", schema, {"id"}, {"updated_at"});
    writer.write_state({{"bookmarks", {{"orders", {{"updated_at", "2024"}}}}}});
    writer.write_activate_version("orders", 1700000000000);
    writer.write_line(R"({"type":"STATE","value":2})");
  }
  file.rewind();
  MessageReader reader(file.fd());
  Message message;
  REQUIRE(reader.next(message));
  const SchemaMessage read_schema = as_schema(message);
  CHECK(read_schema.stream == "orders");
  CHECK(read_schema.schema == schema);
  CHECK(read_schema.key_properties == std::vector<std::string>{"id"});
  CHECK(read_schema.bookmark_properties == std::vector<std::string>{"updated_at"});
  REQUIRE(reader.next(message));
  CHECK(state_value(message)["bookmarks"]["orders"]["updated_at"] == "2024");
  REQUIRE(reader.next(message));
  CHECK(as_activate_version(message).version == 1700000000000);
  REQUIRE(reader.next(message));
  CHECK(state_value(message) == 2);
  CHECK_FALSE(reader.next(message));
}

TEST_CASE("a SCHEMA is written with its properties in the order given, and read back so") {
  MemoryFile file;
  const nlohmann::json schema = {
      {"type", "object"},
      {"properties", {{"zeta", {{"type", "string"}}}, {"id", {{"type", "integer"}}}}},
      {"required", {"id"}}};
  {
    MessageWriter writer(file.fd());
    writer.write_schema("s", schema, {"id"}, {}, {"zeta", "id"});
    writer.write_schema("s", schema, {"id"});  // no order: sorted
  }
  file.rewind();
  MessageReader reader(file.fd());
  Message message;
  REQUIRE(reader.next(message));
  CHECK(message.line.find(R"("properties":{"zeta":{"type":"string"},"id":)") !=
        std::string_view::npos);
  const SchemaMessage ordered = as_schema(message);
  CHECK(ordered.schema == schema);
  CHECK(ordered.property_order == std::vector<std::string>{"zeta", "id"});
  REQUIRE(reader.next(message));
  CHECK(as_schema(message).property_order == std::vector<std::string>{"id", "zeta"});
}

TEST_CASE("write_state reaches the fd at once") {
  MemoryFile file;
  MessageWriter writer(file.fd());
  writer.begin_record("s");
  writer.end_record();
  CHECK(file.contents().empty());  // records wait in the buffer
  writer.write_state(nlohmann::json::object());
  CHECK(
      file.contents() ==
      "{\"type\":\"RECORD\",\"stream\":\"s\",\"record\":{}}\n{\"type\":\"STATE\",\"value\":{}}\n");
  CHECK(writer.bytes_written() == file.contents().size());
}

TEST_CASE("a closed pipe makes flush throw std::system_error with EPIPE") {
  // The chorus host ignores SIGPIPE; so does this test, to see the error instead of dying.
  const auto previous = std::signal(SIGPIPE, SIG_IGN);
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  ::close(fds[0]);
  {
    MessageWriter writer(fds[1]);
    writer.write_line("{}");
    const auto error =
        thrown<std::system_error>([&] { writer.flush(); }, "expected std::system_error");
    CHECK(error.code() == std::errc::broken_pipe);
  }
  ::close(fds[1]);
  std::signal(SIGPIPE, previous);
}

TEST_CASE("partial writes to a slow non-blocking pipe lose nothing") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  REQUIRE(::fcntl(fds[1], F_SETFL, ::fcntl(fds[1], F_GETFL) | O_NONBLOCK) == 0);
  std::string received;
  std::thread drain([&] {
    char block[4096];
    ssize_t n;
    while ((n = ::read(fds[0], block, sizeof block)) > 0) {
      received.append(block, static_cast<std::size_t>(n));
    }
  });
  std::string expected;
  {
    MessageWriter writer(fds[1], 1 << 16);
    for (int i = 0; i < 20000; ++i) {
      writer.begin_record("s");
      writer.add_int("i", i);
      writer.add_string("pad", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
      writer.end_record();
      expected += R"({"type":"RECORD","stream":"s","record":{"i":)" + std::to_string(i) +
                  R"(,"pad":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}})" + "\n";
    }
    writer.flush();
  }
  ::close(fds[1]);
  drain.join();
  ::close(fds[0]);
  CHECK(received.size() == expected.size());
  CHECK(received == expected);
}
