#include "chorus/singer/reader.h"

#include <doctest/doctest.h>

#include <string>

#include "memory_file.h"

using namespace chorus::singer;
using chorus::singer::testing::MemoryFile;

namespace {

// Reads the one message in `line`.
struct OneMessage {
  MemoryFile file;
  MessageReader reader;
  Message message;

  explicit OneMessage(const std::string &line) : file(line), reader(file.fd()) {
    REQUIRE(reader.next(message));
  }
};

std::string field_text(const RecordView &record, std::string_view name) {
  const Field *field = record.find(name);
  REQUIRE_MESSAGE(field != nullptr, "no field " << name);
  return std::string(field->value.text);
}

// The line number a ProtocolError names when reading all of `input`, or 0 when none is thrown.
std::uint64_t failing_line(const std::string &input, std::string *what = nullptr) {
  MemoryFile file(input);
  MessageReader reader(file.fd());
  Message message;
  try {
    while (reader.next(message)) {
    }
  } catch (const ProtocolError &error) {
    if (what != nullptr) *what = error.what();
    return error.line_number();
  }
  return 0;
}

}  // namespace

TEST_CASE("numbers pass through digit for digit") {
  OneMessage one(
      R"({"type":"RECORD","stream":"s","record":{"a":12345678901234567890.123456789012345678,)"
      R"("b":-0.0,"c":1e400,"d":-1E-7 ,"e":0, "f":123.4500}})"
      "\n");
  const RecordView &record = one.message.record;
  CHECK(field_text(record, "a") == "12345678901234567890.123456789012345678");
  CHECK(field_text(record, "b") == "-0.0");
  CHECK(field_text(record, "c") == "1e400");
  CHECK(field_text(record, "d") == "-1E-7");
  CHECK(field_text(record, "e") == "0");
  CHECK(field_text(record, "f") == "123.4500");
  CHECK(record.find("a")->value.kind == ValueKind::Number);
}

TEST_CASE("fields keep input order and every kind of value") {
  OneMessage one(
      R"({"type":"RECORD","stream":"orders","record":{"z":null,"y":true,"x":false,)"
      R"("w":"text","v":{"n":[1, 2]},"u":[ {"a":1} ]},"time_extracted":"2024-01-01T00:00:00Z",)"
      R"("version":7})");
  const RecordView &record = one.message.record;
  CHECK(one.message.type == MessageType::Record);
  CHECK(one.message.stream() == "orders");
  CHECK(one.message.document.is_null());
  REQUIRE(record.fields.size() == 6);
  const char *names[] = {"z", "y", "x", "w", "v", "u"};
  const ValueKind kinds[] = {ValueKind::Null,   ValueKind::Boolean, ValueKind::Boolean,
                             ValueKind::String, ValueKind::Object,  ValueKind::Array};
  const char *texts[] = {"", "true", "false", "text", R"({"n":[1, 2]})", R"([ {"a":1} ])"};
  for (std::size_t i = 0; i < 6; ++i) {
    CHECK(record.fields[i].name == names[i]);
    CHECK(record.fields[i].value.kind == kinds[i]);
    CHECK(record.fields[i].value.text == texts[i]);
  }
  CHECK(record.time_extracted == "2024-01-01T00:00:00Z");
  REQUIRE(record.version.has_value());
  CHECK(*record.version == 7);
}

TEST_CASE("a property named twice keeps its last value at its first place, as DOM parsers do") {
  MemoryFile file(R"({"type":"RECORD","stream":"s","record":{"a":1,"b":2}})"
                  "\n"
                  R"({"type":"RECORD","stream":"s","record":{"a":1,"b":2,"a":3}})"
                  "\n"
                  R"({"type":"RECORD","stream":"s","record":{"a":4,"b":5,"a":null}})"
                  "\n"
                  R"({"type":"RECORD","stream":"s","record":{"a":6,"b":7}})"
                  "\n"
                  R"({"type":"RECORD","stream":"s","record":{"a":8,"\u0061":"nine","a":10,"c":11}})"
                  "\n");
  MessageReader reader(file.fd());
  Message message;
  const auto fields_of = [&] {
    REQUIRE(reader.next(message));
    std::string out;
    for (const Field &field : message.record.fields) {
      out += std::string(field.name) + "=" +
             (field.value.is_null() ? "null" : std::string(field.value.text)) + " ";
    }
    return out;
  };
  CHECK(fields_of() == "a=1 b=2 ");
  CHECK(fields_of() == "a=3 b=2 ");
  // The same list of names again is checked again: it was not a list of unique names.
  CHECK(fields_of() == "a=null b=5 ");
  CHECK(fields_of() == "a=6 b=7 ");
  // Names compare unescaped.
  CHECK(fields_of() == "a=10 c=11 ");
}

TEST_CASE("a list of names that differs from the one before in one byte is checked again") {
  // Each pair: a record with the names `name`, `other` (one byte apart), then one that names
  // `other` twice. Taken for the list before, the second would keep both of its fields.
  for (std::size_t length : {1, 2, 3, 5, 8, 10, 17}) {
    for (std::size_t at = 0; at < length; ++at) {
      CAPTURE(length);
      CAPTURE(at);
      const std::string name(length, 'n');
      std::string other = name;
      other[at] = 'o';
      MemoryFile file(R"({"type":"RECORD","stream":"s","record":{")" + name + R"(":1,")" + other +
                      R"(":2}})" + "\n" + R"({"type":"RECORD","stream":"s","record":{")" + other +
                      R"(":3,")" + other + R"(":4}})" + "\n");
      MessageReader reader(file.fd());
      Message message;
      REQUIRE(reader.next(message));
      CHECK(message.record.fields.size() == 2);
      REQUIRE(reader.next(message));
      REQUIRE(message.record.fields.size() == 1);
      CHECK(field_text(message.record, other) == "4");
    }
  }
}

TEST_CASE("records with other lists of names each time, wide and narrow, keep one field a name") {
  // Thirty names (more than are compared pair by pair), then the same with p7 again at the end,
  // then a narrow record, then the wide one without a repeat: every list is new.
  std::string wide;
  for (int i = 0; i < 30; ++i)
    wide += (i > 0 ? "," : "") + std::string("\"p") + std::to_string(i) + "\":" + std::to_string(i);
  const std::string line = R"({"type":"RECORD","stream":"s","record":{)";
  MemoryFile file(line + wide + ",\"p7\":\"again\"}}\n" + line + R"("x":1,"y":2,"x":3}})" + "\n" +
                  line + wide + "}}\n");
  MessageReader reader(file.fd());
  Message message;
  REQUIRE(reader.next(message));
  REQUIRE(message.record.fields.size() == 30);
  CHECK(message.record.fields[7].name == "p7");
  CHECK(message.record.fields[7].value.text == "again");
  REQUIRE(reader.next(message));
  REQUIRE(message.record.fields.size() == 2);
  CHECK(field_text(message.record, "x") == "3");
  REQUIRE(reader.next(message));
  REQUIRE(message.record.fields.size() == 30);
  CHECK(field_text(message.record, "p7") == "7");
}

TEST_CASE("a JSON Lines object that names a property twice keeps its last value") {
  MemoryFile file("{\"x\":1,\"y\":2,\"x\":3}\n{\"x\":4,\"y\":5}\n");
  ObjectLineReader reader(file.fd());
  RecordView record;
  REQUIRE(reader.next(record));
  REQUIRE(record.fields.size() == 2);
  CHECK(field_text(record, "x") == "3");
  CHECK(field_text(record, "y") == "2");
  REQUIRE(reader.next(record));
  REQUIRE(record.fields.size() == 2);
  CHECK(field_text(record, "x") == "4");
}

TEST_CASE("escaped keys and strings are unescaped") {
  OneMessage one(
      R"({"type":"RECORD","stream":"s\u0074ream","record":{"a\"b":"line\nbreak\ttab \\ \/",)"
      R"("\u00e9t\u00E9":"caf\u00e9 \ud83d\ude00","raw":"gr\u00fc\u00DF Gott, 東京"}})");
  const RecordView &record = one.message.record;
  CHECK(record.stream == "stream");
  CHECK(field_text(record, "a\"b") == "line\nbreak\ttab \\ /");
  CHECK(field_text(record, "\xc3\xa9t\xc3\xa9") == "caf\xc3\xa9 \xf0\x9f\x98\x80");
  CHECK(field_text(record, "raw") == "gr\xc3\xbc\xc3\x9f Gott, 東京");
}

TEST_CASE("keys and strings of every length up to 20, with an escape at every place") {
  // Keys and strings are scanned a word at a time: lengths around 8 and 16, and an escape in
  // the first, a middle or the last byte of a word, are where such a scan goes wrong.
  for (std::size_t length = 0; length <= 20; ++length) {
    for (std::size_t escape_at = 0; escape_at <= length; ++escape_at) {
      // escape_at == length: no escape. The escaped text has one quote at escape_at.
      std::string json_text(length, 'k');
      std::string text = json_text;
      if (escape_at < length) {
        json_text.replace(escape_at, 1, "\\\"");
        text[escape_at] = '"';
      }
      CAPTURE(length);
      CAPTURE(escape_at);
      const std::string line = R"({"type":"RECORD","stream":"s","record":{")" + json_text +
                               R"(":")" + json_text + R"(","after":"x"}})";
      OneMessage one(line);
      const RecordView &record = one.message.record;
      REQUIRE(record.fields.size() == 2);
      CHECK(record.fields[0].name == text);
      CHECK(record.fields[0].value.text == text);
      CHECK(record.fields[1].name == "after");
    }
  }
}

TEST_CASE("the message type is matched case-insensitively") {
  MemoryFile file(
      "{\"type\":\"record\",\"stream\":\"s\",\"record\":{}}\n"
      "{\"type\":\"Record\",\"stream\":\"s\",\"record\":{}}\n"
      "{\"type\":\"state\",\"value\":{}}\n"
      "{\"type\":\"Schema\",\"stream\":\"s\",\"schema\":{},\"key_properties\":[]}\n"
      "{\"type\":\"activate_version\",\"stream\":\"s\",\"version\":1}\n");
  MessageReader reader(file.fd());
  Message message;
  const MessageType expected[] = {MessageType::Record, MessageType::Record, MessageType::State,
                                  MessageType::Schema, MessageType::ActivateVersion};
  for (const MessageType type : expected) {
    REQUIRE(reader.next(message));
    CHECK(message.type == type);
  }
  CHECK_FALSE(reader.next(message));
}

TEST_CASE("the keys of a message may come in any order") {
  OneMessage one(R"({"record":{"id":1,"name":"a"},"time_extracted":"2024-01-01T00:00:00Z",)"
                 R"("stream":"orders","type":"RECORD"})");
  CHECK(one.message.type == MessageType::Record);
  CHECK(one.message.record.stream == "orders");
  CHECK(one.message.record.fields.size() == 2);
  CHECK(field_text(one.message.record, "name") == "a");
}

TEST_CASE("a message with \"record\" before a non-RECORD type is read as that type") {
  OneMessage one(R"({"record":5,"value":{"bookmarks":{}},"type":"STATE"})");
  CHECK(one.message.type == MessageType::State);
  CHECK(one.message.record.fields.empty());
  CHECK(state_value(one.message) == nlohmann::json{{"bookmarks", nlohmann::json::object()}});
}

TEST_CASE("blank lines are skipped, CRLF is accepted, and a last line needs no newline") {
  MemoryFile file(
      "\n  \r\n{\"type\":\"RECORD\",\"stream\":\"a\",\"record\":{\"n\":1}}\r\n\n"
      "{\"type\":\"RECORD\",\"stream\":\"b\",\"record\":{\"n\":2.50}}");
  MessageReader reader(file.fd());
  Message message;
  REQUIRE(reader.next(message));
  CHECK(message.line_number == 3);
  CHECK(message.record.stream == "a");
  REQUIRE(reader.next(message));
  CHECK(message.line_number == 5);
  CHECK(message.record.stream == "b");
  CHECK(field_text(message.record, "n") == "2.50");
  CHECK_FALSE(reader.next(message));
}

TEST_CASE("a record longer than the read block is parsed") {
  const std::string long_text(3'000'000, 'y');
  MemoryFile file("{\"type\":\"RECORD\",\"stream\":\"s\",\"record\":{\"big\":\"" + long_text +
                  "\",\"n\":42}}\n{\"type\":\"STATE\",\"value\":1}\n");
  MessageReader reader(file.fd());
  Message message;
  REQUIRE(reader.next(message));
  CHECK(field_text(message.record, "big") == long_text);
  CHECK(field_text(message.record, "n") == "42");
  REQUIRE(reader.next(message));
  CHECK(message.type == MessageType::State);
}

TEST_CASE("each protocol error names the line it is on") {
  const std::string good = "{\"type\":\"RECORD\",\"stream\":\"s\",\"record\":{}}\n";
  const std::string prefix = good + "\n" + good;  // the bad line is line 4
  struct Case {
    const char *name;
    const char *line;
    const char *says;
  };
  const Case cases[] = {
      {"malformed JSON", R"({"type":"RECORD","stream":"s","record":{"a":})", "malformed JSON"},
      {"truncated line", R"({"type":"RECORD","stream":"s","record":{"a":1})", "malformed JSON"},
      {"bad number", R"({"type":"RECORD","stream":"s","record":{"a":01}})", "malformed JSON"},
      {"trailing text", R"({"type":"RECORD","stream":"s","record":{}} x)", "JSON"},
      {"two objects", R"({"type":"RECORD","stream":"s","record":{}} {"a":1})", "JSON"},
      {"not an object", R"(["RECORD"])", "must be a JSON object"},
      {"missing type", R"({"stream":"s","record":{}})", "no \"type\""},
      {"type not a string", R"({"type":1,"stream":"s","record":{}})", "\"type\" must be"},
      {"unknown type", R"({"type":"RECORDS","stream":"s","record":{}})", "unknown message type"},
      {"record without stream", R"({"type":"RECORD","record":{}})", "no \"stream\""},
      {"stream not a string", R"({"type":"RECORD","stream":5,"record":{}})", "no \"stream\""},
      {"record without record", R"({"type":"RECORD","stream":"s"})", "no \"record\" object"},
      {"record not an object", R"({"type":"RECORD","stream":"s","record":[]})",
       "no \"record\" object"},
      {"malformed STATE", R"({"type":"STATE","value":{)", "malformed JSON"},
      {"STATE number beyond a double", R"({"type":"STATE","value":{"a":1e999}})",
       "beyond the range of a double"},
  };
  for (const Case &c : cases) {
    const std::string name = c.name;
    CAPTURE(name);
    std::string what;
    CHECK(failing_line(prefix + c.line + "\n" + good, &what) == 4);
    CHECK_MESSAGE(what.find(c.says) != std::string::npos, what);
    CHECK(what.rfind("line 4: ", 0) == 0);
  }
}

TEST_CASE("SCHEMA, STATE, ACTIVATE_VERSION and BATCH are parsed into documents") {
  MemoryFile file(
      R"({"type":"SCHEMA","stream":"orders","schema":{"type":"object"},)"
      R"("key_properties":["id"],"bookmark_properties":["updated"]})"
      "\n"
      R"({"type":"STATE","value":{"bookmarks":{"orders":{"updated":"x"}}}})"
      "\n"
      R"({"type":"ACTIVATE_VERSION","stream":"orders","version":1700000000000})"
      "\n"
      R"({"type":"BATCH","stream":"orders","encoding":{"format":"jsonl","compression":"gzip"},)"
      R"("manifest":["file:///batches/a.jsonl.gz"]})"
      "\n");
  MessageReader reader(file.fd());
  Message message;

  REQUIRE(reader.next(message));
  const SchemaMessage schema = as_schema(message);
  CHECK(message.stream() == "orders");
  CHECK(schema.stream == "orders");
  CHECK(schema.schema == nlohmann::json{{"type", "object"}});
  CHECK(schema.key_properties == std::vector<std::string>{"id"});
  CHECK(schema.bookmark_properties == std::vector<std::string>{"updated"});

  REQUIRE(reader.next(message));
  CHECK(message.stream().empty());
  CHECK(state_value(message)["bookmarks"]["orders"]["updated"] == "x");

  REQUIRE(reader.next(message));
  const ActivateVersionMessage activate = as_activate_version(message);
  CHECK(activate.stream == "orders");
  CHECK(activate.version == 1700000000000);

  REQUIRE(reader.next(message));
  const BatchMessage batch = as_batch(message);
  CHECK(batch.stream == "orders");
  CHECK(batch.format == "jsonl");
  CHECK(batch.compression == "gzip");
  CHECK(batch.manifest == std::vector<std::string>{"file:///batches/a.jsonl.gz"});
}

TEST_CASE("a SCHEMA keeps the order its properties were written in") {
  MemoryFile file(
      R"({"type":"SCHEMA","stream":"s","schema":{"type":"object","properties":{"zeta":{},)"
      R"("id":{"type":"integer"},"alpha":{"properties":{"z":{},"a":{}}}}},"key_properties":[]})"
      "\n");
  MessageReader reader(file.fd());
  Message message;
  REQUIRE(reader.next(message));
  const SchemaMessage schema = as_schema(message);
  CHECK(schema.property_order == std::vector<std::string>{"zeta", "id", "alpha"});
  CHECK(property_names(schema.schema, schema.property_order) == schema.property_order);
  // Without an order, sorted; names the order lists but the schema lacks are left out.
  CHECK(property_names(schema.schema, {}) == std::vector<std::string>{"alpha", "id", "zeta"});
  CHECK(property_names(schema.schema, {"id", "gone"}) ==
        std::vector<std::string>{"id", "alpha", "zeta"});
}

TEST_CASE("typed accessors name the line and the key when the shape is wrong") {
  MemoryFile file(
      "{\"type\":\"SCHEMA\",\"stream\":\"s\"}\n"
      "{\"type\":\"STATE\"}\n"
      "{\"type\":\"ACTIVATE_VERSION\",\"stream\":\"s\",\"version\":\"1\"}\n"
      "{\"type\":\"BATCH\",\"stream\":\"s\",\"encoding\":{},\"manifest\":[]}\n");
  MessageReader reader(file.fd());
  Message message;
  REQUIRE(reader.next(message));
  CHECK_THROWS_WITH_AS(as_schema(message),
                       doctest::Contains("line 1: SCHEMA message has no \"schema\""),
                       ProtocolError);
  CHECK_THROWS_AS(state_value(message), ProtocolError);  // not a STATE
  REQUIRE(reader.next(message));
  CHECK_THROWS_WITH_AS(state_value(message),
                       doctest::Contains("line 2: STATE message has no \"value\""), ProtocolError);
  REQUIRE(reader.next(message));
  CHECK_THROWS_WITH_AS(as_activate_version(message), doctest::Contains("\"version\" that is not"),
                       ProtocolError);
  REQUIRE(reader.next(message));
  CHECK_THROWS_WITH_AS(as_batch(message), doctest::Contains("line 4: BATCH message"),
                       ProtocolError);
}

TEST_CASE("schema key_properties may be absent") {
  OneMessage one(R"({"type":"SCHEMA","stream":"s","schema":{}})");
  CHECK(as_schema(one.message).key_properties.empty());
}

TEST_CASE("a record's views are replaced by the next line, and the fields vector is reused") {
  MemoryFile file(
      "{\"type\":\"RECORD\",\"stream\":\"s\",\"record\":{\"a\":1,\"b\":2,\"c\":3}}\n"
      "{\"type\":\"STATE\",\"value\":null}\n"
      "{\"type\":\"RECORD\",\"stream\":\"t\",\"record\":{\"d\":4}}\n");
  MessageReader reader(file.fd());
  Message message;
  REQUIRE(reader.next(message));
  const Field *storage = message.record.fields.data();
  REQUIRE(reader.next(message));
  CHECK(message.record.fields.empty());
  REQUIRE(reader.next(message));
  CHECK(message.record.fields.data() == storage);
  CHECK(message.record.stream == "t");
  REQUIRE(message.record.fields.size() == 1);
  CHECK(message.record.fields[0].name == "d");
  CHECK(message.document.is_null());
}
