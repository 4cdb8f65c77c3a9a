#include "chorus/singer/record_batch.h"

#include <doctest/doctest.h>

#include <string>

#include "chorus/singer/reader.h"
#include "memory_file.h"

using namespace chorus::singer;
using chorus::singer::testing::MemoryFile;

namespace {

std::string record_line(const std::string &stream, const std::string &fields) {
  return R"({"type":"RECORD","stream":")" + stream + R"(","record":{)" + fields + "}}\n";
}

// How a test hands a record its line: as the target loop does, or not at all.
enum class Source { Line, None };

// Reads every RECORD of `input` into `batch`.
void read_into(RecordBatch &batch, const std::string &input, Source source = Source::Line) {
  MemoryFile file(input);
  MessageReader reader(file.fd());
  Message message;
  while (reader.next(message)) {
    if (message.type != MessageType::Record) continue;
    batch.append(message.record, message.line_number,
                 source == Source::Line ? message.line : std::string_view());
  }
}

std::string text(const RecordView &record, std::string_view name) {
  const Field *field = record.find(name);
  return field != nullptr ? std::string(field->value.text) : "<missing>";
}

}  // namespace

TEST_CASE("copies survive the reader moving on to later lines") {
  RecordBatch batch;
  read_into(batch, record_line("orders", R"("id":1,"name":"caf\u00e9","o":{"a":[1]})") +
                       R"({"type":"STATE","value":{"big":")" + std::string(100000, 'x') + "\"}}\n" +
                       record_line("items", R"("id":2,"name":null)"));
  REQUIRE(batch.size() == 2);
  CHECK(batch[0].stream == "orders");
  CHECK(text(batch[0], "name") == "caf\xc3\xa9");
  CHECK(batch[0].find("o")->value.kind == ValueKind::Object);
  CHECK(text(batch[0], "o") == R"({"a":[1]})");
  CHECK(batch[1].stream == "items");
  CHECK(batch[1].find("name")->value.is_null());
  CHECK(batch.line_number(0) == 1);
  CHECK(batch.line_number(1) == 3);
  CHECK(batch.bytes() > 0);
}

TEST_CASE("every kind of value survives the reader, with or without the record's line") {
  // Escaped strings live in the parser's buffer, booleans are literals, the rest are views of
  // the line: each kind is kept, whichever way the batch copies it.
  const std::string input =
      record_line("s", R"("a":"x\"y","b":true,"c":false,"d":null,"e":1.50,"f":[1,{"g":2}],)"
                       R"("h":"plain","\u0069":"named with an escape")") +
      record_line("s", R"("a":"second","b":false)");
  for (const Source source : {Source::Line, Source::None}) {
    CAPTURE(source == Source::Line);
    RecordBatch batch;
    read_into(batch, input, source);
    REQUIRE(batch.size() == 2);
    CHECK(text(batch[0], "a") == "x\"y");
    CHECK(batch[0].find("b")->value.kind == ValueKind::Boolean);
    CHECK(text(batch[0], "b") == "true");
    CHECK(text(batch[0], "c") == "false");
    CHECK(batch[0].find("d")->value.is_null());
    CHECK(text(batch[0], "e") == "1.50");
    CHECK(text(batch[0], "f") == R"([1,{"g":2}])");
    CHECK(text(batch[0], "h") == "plain");
    CHECK(text(batch[0], "i") == "named with an escape");
    CHECK(text(batch[1], "a") == "second");
    CHECK(text(batch[1], "b") == "false");
  }
}

TEST_CASE("a record with texts inside and outside its line keeps both after the line is gone") {
  RecordBatch batch;
  {
    std::string line = R"({"id":7,"name":"in the line"})";
    std::string elsewhere = "made by a mapper";
    RecordView record;
    record.stream = "s";
    record.fields.push_back({std::string_view(line).substr(2, 2), {ValueKind::Number, "7"}});
    record.fields.back().value.text = std::string_view(line).substr(6, 1);
    record.fields.push_back({std::string_view(line).substr(9, 4),
                             {ValueKind::String, std::string_view(line).substr(16, 11)}});
    record.fields.push_back({"mapped", {ValueKind::String, elsewhere}});
    batch.append(record, 1, line);
    line.assign(line.size(), '#');
    elsewhere.assign(elsewhere.size(), '#');
  }
  REQUIRE(batch.size() == 1);
  CHECK(text(batch[0], "id") == "7");
  CHECK(text(batch[0], "name") == "in the line");
  CHECK(text(batch[0], "mapped") == "made by a mapper");
}

TEST_CASE("views stay valid while more records than one arena chunk are appended") {
  RecordBatch batch;
  std::string input;
  const std::string value(1000, 'v');
  for (int i = 0; i < 3000; ++i) {
    input += record_line("s", R"("i":)" + std::to_string(i) + R"(,"v":")" + value + "\"");
  }
  read_into(batch, input);
  REQUIRE(batch.size() == 3000);
  std::size_t count = 0;
  for (const RecordView &record : batch) {
    CHECK(text(record, "i") == std::to_string(count));
    CHECK(record.find("v")->value.text == value);
    ++count;
  }
  CHECK(count == 3000);
}

TEST_CASE("clear empties the batch and it fills again") {
  RecordBatch batch;
  read_into(batch, record_line("s", R"("a":1)") + record_line("s", R"("a":2)"));
  batch.clear();
  CHECK(batch.empty());
  CHECK(batch.bytes() == 0);
  CHECK(batch.begin() == batch.end());
  read_into(batch, record_line("t", R"("b":"x")"));
  REQUIRE(batch.size() == 1);
  CHECK(batch[0].stream == "t");
  REQUIRE(batch[0].fields.size() == 1);
  CHECK(text(batch[0], "b") == "x");
  CHECK(batch.line_number(0) == 1);
}

TEST_CASE("last_per_key keeps the last record of each key, in input order") {
  RecordBatch batch;
  read_into(batch, record_line("s", R"("id":1,"v":"a")") +        // 0: replaced by 3
                       record_line("s", R"("id":2,"v":"b")") +    // 1: replaced by 4
                       record_line("s", R"("id":3,"v":"c")") +    // 2: kept
                       record_line("s", R"("id":1,"v":"d")") +    // 3: kept
                       record_line("s", R"("id":2,"v":"e")") +    // 4: kept
                       record_line("s", R"("id":"1","v":"f")"));  // 5: a string key, kept
  CHECK(batch.last_per_key({"id"}) == std::vector<std::size_t>{2, 3, 4, 5});
  CHECK(batch.last_per_key({}) == std::vector<std::size_t>{0, 1, 2, 3, 4, 5});
}

TEST_CASE("last_per_key on integer keys in increasing order, and on an order broken late") {
  RecordBatch increasing;
  read_into(increasing, record_line("s", R"("id":-5)") + record_line("s", R"("id":0)") +
                            record_line("s", R"("id":7)") + record_line("s", R"("id":10)"));
  CHECK(increasing.last_per_key({"id"}) == std::vector<std::size_t>{0, 1, 2, 3});

  RecordBatch repeated_last;
  read_into(repeated_last, record_line("s", R"("id":1,"v":"a")") +
                               record_line("s", R"("id":2,"v":"b")") +
                               record_line("s", R"("id":2,"v":"c")"));
  CHECK(repeated_last.last_per_key({"id"}) == std::vector<std::size_t>{0, 2});

  // 1.0 is not an integer literal and 1 and 1.0 are different keys as written: both kept.
  RecordBatch not_integers;
  read_into(not_integers, record_line("s", R"("id":1)") + record_line("s", R"("id":1.0)") +
                              record_line("s", R"("id":1)"));
  CHECK(not_integers.last_per_key({"id"}) == std::vector<std::size_t>{1, 2});
}

TEST_CASE("last_per_key on a composite key, with a missing key counted as null") {
  RecordBatch batch;
  read_into(batch, record_line("s", R"("a":1,"b":"x")") +       // 0
                       record_line("s", R"("b":"x","a":1)") +   // 1: same key as 0
                       record_line("s", R"("a":1,"b":"y")") +   // 2
                       record_line("s", R"("a":1)") +           // 3: b missing
                       record_line("s", R"("a":1,"b":null)"));  // 4: same key as 3
  CHECK(batch.last_per_key({"a", "b"}) == std::vector<std::size_t>{1, 2, 4});
}

TEST_CASE("a batch can be moved") {
  RecordBatch batch;
  read_into(batch, record_line("s", R"("a":"kept")"));
  RecordBatch moved = std::move(batch);
  REQUIRE(moved.size() == 1);
  CHECK(text(moved[0], "a") == "kept");
}

TEST_CASE("a deletion takes the values its row got earlier in the batch") {
  RecordBatch batch;
  // Counting the deletions as they arrive changes nothing of the result.
  SUBCASE("deletions found by fill_deletions") {}
  SUBCASE("deletions counted on append") { batch.count_marked("_sdc_deleted_at"); }
  read_into(batch,
            record_line("t", R"("id":1,"name":"a","qty":5)") +
                record_line("t", R"("id":2,"name":"b")") +
                record_line("t", R"("id":1,"name":"a2","qty":null)") +
                record_line("t", R"("id":1,"_sdc_deleted_at":"2024-01-01T00:00:00Z")") +
                record_line("t", R"("id":3,"_sdc_deleted_at":"2024-01-01T00:00:00Z")") +
                record_line("t", R"("id":2,"name":"b2","_sdc_deleted_at":"2024-01-02T00:00:00Z")"));
  batch.fill_deletions({"id"}, "_sdc_deleted_at");
  // The update's values, including its explicit null, reach the deletion.
  CHECK(text(batch[3], "name") == "a2");
  CHECK(batch[3].find("qty") != nullptr);
  CHECK(batch[3].find("qty")->value.is_null());
  CHECK(text(batch[3], "_sdc_deleted_at") == "2024-01-01T00:00:00Z");
  // Nothing earlier for id 3: left as sent.
  CHECK(text(batch[4], "name") == "<missing>");
  // A deletion's own values win over earlier ones.
  CHECK(text(batch[5], "name") == "b2");
  // Records that are not deletions are untouched, and the last per key still wins.
  CHECK(text(batch[2], "_sdc_deleted_at") == "<missing>");
  CHECK(batch.last_per_key({"id"}) == std::vector<std::size_t>{3, 4, 5});
}

TEST_CASE("a batch counts the records whose marker holds a value, until it is cleared") {
  RecordBatch batch;
  batch.count_marked("_sdc_deleted_at");
  read_into(batch, record_line("t", R"("id":1,"_sdc_deleted_at":null)") +
                       record_line("t", R"("id":2,"_sdc_deleted":"x","name":"_sdc_deleted_at")") +
                       record_line("t", R"("id":3,"_sdc_deleted_at":"2024-01-01T00:00:00Z")"));
  CHECK(batch.marked() == 1);
  batch.clear();
  CHECK(batch.marked() == 0);
  read_into(batch, record_line("t", R"("id":4,"name":"d")"));
  CHECK(batch.marked() == 0);
  batch.fill_deletions({"id"}, "_sdc_deleted_at");  // none: the batch is left as it is
  CHECK(text(batch[0], "name") == "d");
}

TEST_CASE("fill_deletions does nothing without key properties") {
  RecordBatch batch;
  read_into(batch, record_line("t", R"("id":1,"name":"a")") +
                       record_line("t", R"("id":1,"_sdc_deleted_at":"2024-01-01T00:00:00Z")"));
  batch.fill_deletions({}, "_sdc_deleted_at");
  CHECK(text(batch[1], "name") == "<missing>");
}
