// The bytes a staged file holds: CSV quoting, NULL versus empty string, compression, manifest.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "chorus/plugin/errors.h"
#include "chorus/s3/csv.h"
#include "chorus/s3/staging.h"

using namespace chorus::s3;
using chorus::singer::Value;
using chorus::singer::ValueKind;

TEST_CASE("CSV keeps NULL (unquoted empty) apart from the empty string (quoted empty)") {
  std::string out;
  append_csv_value(out, Value{ValueKind::Null, {}});
  out += ',';
  append_csv_value(out, Value{ValueKind::String, ""});
  CHECK(out == ",\"\"");
}

TEST_CASE("CSV doubles quotes and keeps commas and newlines inside quotes") {
  std::string out;
  append_csv_quoted(out, "say \"hi\", then\nleave");
  CHECK(out == "\"say \"\"hi\"\", then\nleave\"");
}

TEST_CASE("CSV writes numbers and booleans as is and JSON values quoted") {
  std::string out;
  append_csv_value(out, Value{ValueKind::Number, "123.4500"});
  out += ',';
  append_csv_value(out, Value{ValueKind::Boolean, "true"});
  out += ',';
  append_csv_value(out, Value{ValueKind::Object, "{\"a\":\"b\"}"});
  CHECK(out == "123.4500,true,\"{\"\"a\"\":\"\"b\"\"}\"");
}

TEST_CASE("the Redshift manifest lists every file as mandatory with its length") {
  std::vector<StagedFile> files{{"p/part-00000.csv.zst", 2, 20, 11},
                                {"p/part-00001.csv.zst", 1, 10, 7}};
  auto manifest = nlohmann::json::parse(redshift_manifest("bucket", files));
  REQUIRE(manifest["entries"].size() == 2);
  CHECK(manifest["entries"][0]["url"] == "s3://bucket/p/part-00000.csv.zst");
  CHECK(manifest["entries"][0]["mandatory"] == true);
  CHECK(manifest["entries"][1]["meta"]["content_length"] == 7);
}

TEST_CASE("compression names parse and unknown ones are a configuration error") {
  CHECK(parse_compression("gzip") == Compression::Gzip);
  CHECK(parse_compression("zstd") == Compression::Zstd);
  CHECK(parse_compression("none") == Compression::None);
  CHECK_THROWS_AS(parse_compression("lz4"), chorus::ConfigError);
  CHECK(parse_split_mode("size") == SplitMode::Size);
  CHECK_THROWS_AS(parse_split_mode("random"), chorus::ConfigError);
}

TEST_CASE("decompress rejects corrupt input") {
  CHECK_THROWS(decompress("not zstd at all", Compression::Zstd));
  CHECK_THROWS(decompress("not gzip at all", Compression::Gzip));
}

TEST_CASE("csv_bound leaves room for a text made only of quotes") {
  const std::string quotes(50, '"');
  const Value value{ValueKind::String, quotes};
  std::string room(csv_bound(value), '\0');
  char *end = write_csv_value(room.data(), value);
  CHECK(static_cast<std::size_t>(end - room.data()) == room.size());
  CHECK(room == "\"" + std::string(100, '"') + "\"");
  std::string appended;
  append_csv_value(appended, value);
  CHECK(appended == room);
}

TEST_CASE("each compression has the keyword warehouses' COPY statements name it by") {
  CHECK(copy_keyword(Compression::None) == "NONE");
  CHECK(copy_keyword(Compression::Gzip) == "GZIP");
  CHECK(copy_keyword(Compression::Zstd) == "ZSTD");
}
