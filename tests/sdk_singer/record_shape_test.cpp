// The RECORD fast path (singer/record_shape.h): a line read by a learned shape must be read
// exactly as the parser reads it, and every line the shape cannot vouch for must go to the
// parser.
#include "singer/record_shape.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "chorus/singer/errors.h"
#include "chorus/singer/line_reader.h"
#include "chorus/singer/reader.h"
#include "memory_file.h"

using namespace chorus::singer;
using chorus::singer::detail::RecordShape;
using chorus::singer::testing::MemoryFile;

namespace {

// A line in a buffer padded as the LineReader pads the lines it hands out.
class PaddedLine {
 public:
  explicit PaddedLine(std::string_view line) : bytes_(line) {
    bytes_.append(LineReader::kPadding, '\0');
  }
  std::string_view view() const {
    return std::string_view(bytes_.data(), bytes_.size() - LineReader::kPadding);
  }

 private:
  std::string bytes_;
};

// What the parser alone makes of `line` (the first line of a reader has no shape to match):
// the record, or the error's text.
struct ParserReading {
  bool ok = false;
  std::string error;
  std::string stream, time_extracted;
  std::optional<std::int64_t> version;
  std::vector<std::tuple<std::string, ValueKind, std::string>> fields;
};

ParserReading reading_of(const RecordView &record) {
  ParserReading reading;
  reading.ok = true;
  reading.stream = record.stream;
  reading.time_extracted = record.time_extracted;
  reading.version = record.version;
  for (const Field &field : record.fields) {
    reading.fields.emplace_back(std::string(field.name), field.value.kind,
                                std::string(field.value.text));
  }
  return reading;
}

bool operator==(const ParserReading &a, const ParserReading &b) {
  return a.ok == b.ok && a.error == b.error && a.stream == b.stream &&
         a.time_extracted == b.time_extracted && a.version == b.version && a.fields == b.fields;
}

std::string describe(const ParserReading &reading) {
  if (!reading.ok) return "error: " + reading.error;
  std::string text = "stream " + reading.stream + ", time_extracted " + reading.time_extracted +
                     ", version " + (reading.version ? std::to_string(*reading.version) : "-");
  for (const auto &[name, kind, value] : reading.fields) {
    text += ", " + name + "=" + std::to_string(static_cast<int>(kind)) + ":" + value;
  }
  return text;
}

// The message on the last line of `input`, as the MessageReader reads it after the lines
// before it; a ProtocolError's text without its "line N: ".
ParserReading read_last(const std::string &input) {
  MemoryFile file(input);
  MessageReader reader(file.fd());
  Message message;
  ParserReading reading;
  try {
    bool any = false;
    while (reader.next(message)) any = true;
    REQUIRE(any);
  } catch (const ProtocolError &error) {
    const std::string what = error.what();
    reading.error = what.substr(what.find(": ") + 2);
    return reading;
  }
  if (message.type != MessageType::Record) {
    reading.error = "not a RECORD";
    return reading;
  }
  // A reader's record views die with it: keep copies.
  return reading_of(message.record);
}

ParserReading parser_reading(std::string_view line) { return read_last(std::string(line) + "\n"); }

// Learns the shape of `line` from the parser's reading of it.
bool learn(RecordShape &shape, std::string_view line) {
  MemoryFile file(std::string(line) + "\n");
  MessageReader reader(file.fd());
  Message message;
  REQUIRE(reader.next(message));
  REQUIRE(message.type == MessageType::Record);
  const PaddedLine padded(line);
  return shape.learn(padded.view(), message.record);
}

// Reads `line` with `shape`: the reading, or nullopt when the shape leaves it to the parser.
std::optional<ParserReading> shape_reading(const RecordShape &shape, std::string_view line) {
  const PaddedLine padded(line);
  RecordView record;
  if (!shape.read(padded.view(), record)) return std::nullopt;
  return reading_of(record);
}

// As Python's json.dumps writes by default (singer-python's taps): a space after each comma and
// colon.
const std::string kPythonLine =
    R"({"type": "RECORD", "stream": "orders", "record": {"id": 1, "status": "returned", )"
    R"("amount": 41790.26, "customer": "José"}, "version": 1700000000000, )"
    R"("time_extracted": "2026-11-01T00:00:01.000000Z"})";

const std::string kPlainLine =
    R"({"type":"RECORD","stream":"orders","record":{"id":1,"status":"returned",)"
    R"("amount":41790.26,"paid":true,"note":null,"customer":"José 김"},)"
    R"("time_extracted":"2026-11-01T00:00:01.000000+00:00","version":1700000000000})";

}  // namespace

TEST_CASE("a learned shape reads a line with other values exactly as the parser does") {
  RecordShape shape;
  REQUIRE(learn(shape, kPlainLine));
  const std::string lines[] = {
      kPlainLine,
      R"({"type":"RECORD","stream":"orders","record":{"id":-20,"status":null,)"
      R"("amount":1e400,"paid":false,"note":"","customer":"tab\tless? no: plain"},)"
      R"("time_extracted":"","version":-9223372036854775808})",
      R"({"type":"RECORD","stream":"orders","record":{"id":0,"status":"",)"
      R"("amount":-0.0E+5,"paid":null,"note":123,"customer":"\u00e9"},)"
      R"("time_extracted":"x","version":0})",
      R"({"type":"RECORD","stream":"orders","record":{"id":"1","status":true,)"
      R"("amount":12345678901234567890.123456789012345678,"paid":"t","note":false,)"
      R"("customer":"日本語のテキスト、とても長い文字列です。"},"time_extracted":"2026","version":9223372036854775807})",
  };
  int read_by_shape = 0;
  for (const std::string &line : lines) {
    CAPTURE(line);
    const std::optional<ParserReading> fast = shape_reading(shape, line);
    if (!fast) continue;
    ++read_by_shape;
    const ParserReading slow = parser_reading(line);
    CHECK_MESSAGE(*fast == slow, describe(*fast) << "\nparser: " << describe(slow));
  }
  // The first, second and fourth lines: a tab and a \u escape go to the parser.
  CHECK(read_by_shape == 2);
  CHECK(shape_reading(shape, lines[0]).has_value());
  CHECK(shape_reading(shape, lines[3]).has_value());
}

TEST_CASE("a line the shape cannot vouch for is left to the parser") {
  RecordShape shape;
  REQUIRE(learn(shape, kPlainLine));
  const auto with = [](std::string_view from, std::string_view to) {
    std::string line = kPlainLine;
    const std::size_t at = line.find(from);
    REQUIRE(at != std::string::npos);
    return line.replace(at, from.size(), to);
  };
  const std::string refused[] = {
      with(R"("id":1)", R"("id":01)"),            // not a JSON number
      with(R"("id":1)", R"("id":1.)"),            // nor this
      with(R"("id":1)", R"("id":-)"),             // nor this
      with(R"("id":1)", R"("id":1e)"),            // nor this
      with(R"("id":1)", R"("id":+1)"),            // nor this
      with(R"("id":1)", R"("id":1x)"),            // a number with text after it
      with(R"("id":1)", R"("id":{"a":1})"),       // a nested object
      with(R"("id":1)", R"("id":[1])"),           // an array
      with(R"("id":1)", R"("id": 1)"),            // whitespace the shape did not have
      with(R"("id":1)", R"("ID":1)"),             // another name
      with(R"("paid":true)", R"("paid":tru)"),    // a cut word
      with(R"("paid":true)", R"("paid":truex)"),  // a longer one
      with(R"("note":null)", R"("note":nul)"),
      with(R"("status":"returned")", R"("status":"ret\"urned")"),     // an escape
      with(R"("status":"returned")", "\"status\":\"ret\x01urned\""),  // a control character
      with(R"("status":"returned")", "\"status\":\"ret\xffurned\""),  // not UTF-8
      with(R"("status":"returned")", "\"status\":\"ret\xc3\""),       // a cut UTF-8 sequence
      with(R"("status":"returned")", R"("status":"returned)"),        // an open string
      with(R"("stream":"orders")", R"("stream":"others")"),
      with(R"("type":"RECORD")", R"("type":"SCHEMA")"),
      with(R"("version":1700000000000)", R"("version":1.5)"),                  // not an integer
      with(R"("version":1700000000000)", R"("version":9223372036854775808)"),  // beyond int64
      with(R"("version":1700000000000)", R"("version":"7")"),
      with(R"("time_extracted":"2026-11-01T00:00:01.000000+00:00")", R"("time_extracted":null)"),
      kPlainLine + " ",  // text after the object
      kPlainLine + "}",
      kPlainLine.substr(0, kPlainLine.size() - 1),  // cut short
      "",
  };
  for (const std::string &line : refused) {
    CAPTURE(line);
    CHECK_FALSE(shape_reading(shape, line).has_value());
  }
}

TEST_CASE("lines the fast path does not learn from") {
  RecordShape shape;
  // A nested value, an escape in a name, an escaped stream, a repeated envelope key, a name
  // given twice (the parser keeps one field for it).
  const std::string unlearned[] = {
      R"({"type":"RECORD","stream":"s","record":{"a":{"b":1}}})",
      R"({"type":"RECORD","stream":"s","record":{"a":[1,2]}})",
      R"({"type":"RECORD","stream":"s","record":{"\u0061":1}})",
      R"({"type":"RECORD","stream":"s\u0073","record":{"a":1}})",
      R"({"type":"RECORD","stream":"s","stream":"s","record":{"a":1}})",
      R"({"type":"RECORD","stream":"s","record":{"a":1,"a":2}})",
      R"({"type":"RECORD","stream":"s","record":{"a":1},"time_extracted":7})",
      R"({"type":"RECORD","stream":"s","record":{"a":1},"version":1.5})",
      R"({"type":"RECORD","stream":"s","record":{"a":1},"bookmark":{"x":1}})",
  };
  for (const std::string &line : unlearned) {
    CAPTURE(line);
    CHECK_FALSE(learn(shape, line));
  }
  // Whitespace, unknown envelope keys, an empty record, keys in any order are learned.
  const std::string learned[] = {
      R"( { "type" : "RECORD" , "stream":"s", "record" : { "a" : 1 , "b" : "x" } } )",
      R"({"record":{"a":1},"stream":"s","type":"RECORD"})",
      R"({"type":"RECORD","stream":"s","record":{},"sequence":12})",
      kPythonLine,
  };
  for (const std::string &line : learned) {
    CAPTURE(line);
    REQUIRE(learn(shape, line));
    const std::optional<ParserReading> again = shape_reading(shape, line);
    REQUIRE(again.has_value());
    CHECK(*again == parser_reading(line));
  }
}

// Every change of one byte of a learned line (a replacement, a deletion, an insertion) that the
// shape still reads must be read as the parser reads the changed line alone; and through the
// MessageReader, the changed line after the learned one must come out as the parser alone
// makes of it, errors included.
TEST_CASE("one-byte changes of a learned line: the shape reads them as the parser does") {
  const std::string bases[] = {
      kPlainLine,
      kPythonLine,
      R"({"type":"RECORD","stream":"s","record":{"a":-1.5e-3,"b":"x","c":false},"z":0})",
      R"({ "record" : { "k" : "v" } , "type" : "RECORD" , "stream" : "t" })",
  };
  const char replacements[] = {'"', '\\', ',',  ':',    '}',    '{',    '[',    '0',
                               '1', '-',  '.',  'e',    'E',    '+',    'a',    'n',
                               't', ' ',  '\t', '\x01', '\x7f', '\xc3', '\xa9', '\xff'};
  int compared = 0;
  int read_by_shape = 0;
  for (const std::string &base : bases) {
    RecordShape shape;
    REQUIRE(learn(shape, base));
    std::vector<std::string> changed;
    for (std::size_t at = 0; at <= base.size(); ++at) {
      if (at < base.size()) {
        changed.push_back(std::string(base).erase(at, 1));
        for (const char c : replacements) {
          std::string line = base;
          line[at] = c;
          if (line != base) changed.push_back(line);
        }
      }
      for (const char c : replacements) changed.push_back(std::string(base).insert(at, 1, c));
    }
    for (const std::string &line : changed) {
      if (line.find('\n') != std::string::npos) continue;
      CAPTURE(line);
      const ParserReading slow = parser_reading(line);
      if (const std::optional<ParserReading> fast = shape_reading(shape, line)) {
        ++read_by_shape;
        CHECK_MESSAGE(*fast == slow, describe(*fast) << "\nparser: " << describe(slow));
      }
      const ParserReading after_base = read_last(base + "\n" + line + "\n");
      CHECK_MESSAGE(after_base == slow, describe(after_base) << "\nparser: " << describe(slow));
      ++compared;
    }
  }
  MESSAGE(compared << " changed lines, " << read_by_shape << " read by the shape");
  CHECK(compared > 10000);
  CHECK(read_by_shape > 1000);  // the fast path is what most of them went through
}
