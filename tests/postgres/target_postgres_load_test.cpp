// target-postgres fed hand-written Singer messages through `chorus exec`: how keyed batches
// reach the table (plain COPY while no key repeats, upsert once one does) and when a plain COPY
// must not be used.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "pg_test_database.h"

using chorus::test::CommandResult;
using chorus::test::dump;
using chorus::test::ThrowawayDatabase;

namespace {

std::string unique(const std::string &base) { return base + "_" + std::to_string(getpid()); }

// Runs `chorus exec target-postgres` on `singer` with the destination's connection settings
// plus `extra_config` (JSON object members, may be empty).
CommandResult run_target(const ThrowawayDatabase &destination, const std::string &singer,
                         const std::string &extra_config) {
  const std::string stem = std::string(CHORUS_BINARY_DIR) + "/" + destination.name();
  const auto &s = destination.settings();
  std::ofstream(stem + ".json") << "{\"host\":\"" << s.host << "\",\"port\":" << s.port
                                << ",\"user\":\"" << s.user << "\",\"password\":\"" << s.password
                                << "\",\"dbname\":\"" << s.dbname << "\""
                                << (extra_config.empty() ? "" : "," + extra_config) << "}";
  std::ofstream(stem + ".singer") << singer;
  CommandResult result = chorus::test::run_command(std::string("'") + CHORUS_BINARY_DIR +
                                                   "/chorus' exec target-postgres -- --config '" +
                                                   stem + ".json' <'" + stem + ".singer'");
  std::remove((stem + ".json").c_str());
  std::remove((stem + ".singer").c_str());
  return result;
}

const char *kItemsSchema =
    R"({"type":"SCHEMA","stream":"items","key_properties":["id"],"schema":{"type":"object",)"
    R"("properties":{"id":{"type":"integer"},"name":{"type":["null","string"]}}}})"
    "\n";

std::string item(int id, const std::string &name) {
  return R"({"type":"RECORD","stream":"items","record":{"id":)" + std::to_string(id) +
         R"(,"name":")" + name + "\"}}\n";
}

}  // namespace

TEST_CASE("a key repeated in a later batch of the same run updates its row") {
  REQUIRE_SERVER(server);
  ThrowawayDatabase destination(*server, unique("chorus_tgt_repeat"));
  // Batches of two: {1,2} and {3,4} are new keys, {1,5} meets key 1 again, {6,2} too.
  std::string singer = std::string(kItemsSchema) + item(1, "a") + item(2, "b") + item(3, "c") +
                       item(4, "d") + item(1, "a2") + item(5, "e") + item(6, "f") + item(2, "b2");
  CommandResult result = run_target(destination, singer, "\"batch_size_rows\":2");
  REQUIRE_MESSAGE(result.status == 0, result.output);
  CHECK(dump(destination.sql(), "SELECT id, name FROM public.items ORDER BY id") ==
        "1|a2\n2|b2\n3|c\n4|d\n5|e\n6|f\n");
}

TEST_CASE("rows for a table without a unique index on the keys are never plainly copied") {
  REQUIRE_SERVER(server);
  ThrowawayDatabase destination(*server, unique("chorus_tgt_noindex"));
  // Made by someone else, without the primary key the stream's key properties call for: a plain
  // COPY could not notice a repeated key, so the target must not take that path.
  destination.sql().execute("CREATE TABLE public.items (id bigint, name text)");
  destination.sql().execute("INSERT INTO public.items VALUES (1, 'old')");
  CommandResult result =
      run_target(destination, std::string(kItemsSchema) + item(1, "new") + item(2, "b"), "");
  CHECK(result.status != 0);
  CHECK(result.output.find("target-postgres") != std::string::npos);
  CHECK(result.output.find("ON CONFLICT") != std::string::npos);
  CHECK(dump(destination.sql(), "SELECT id, name FROM public.items ORDER BY id") == "1|old\n");
}

TEST_CASE("a stream without key properties appends every record on every run") {
  REQUIRE_SERVER(server);
  ThrowawayDatabase destination(*server, unique("chorus_tgt_append"));
  std::string singer =
      R"({"type":"SCHEMA","stream":"events","key_properties":[],"schema":{"type":"object",)"
      R"("properties":{"id":{"type":"integer"}}}})"
      "\n"
      R"({"type":"RECORD","stream":"events","record":{"id":1}})"
      "\n"
      R"({"type":"RECORD","stream":"events","record":{"id":1}})"
      "\n";
  for (int run = 0; run < 2; ++run) {
    CommandResult result = run_target(destination, singer, "");
    REQUIRE_MESSAGE(result.status == 0, result.output);
  }
  CHECK(dump(destination.sql(), "SELECT id, count(*) FROM public.events GROUP BY id") == "1|4\n");
}

TEST_CASE(
    "a large keyed batch loads in slices over two connections, and reloads as upserts in "
    "slices while its keys are unique") {
  REQUIRE_SERVER(server);
  ThrowawayDatabase destination(*server, unique("chorus_tgt_slices"));
  auto items = [](const std::string &name) {
    std::string singer = kItemsSchema;
    for (int id = 1; id <= 20000; ++id) singer += item(id, name + std::to_string(id));
    return singer;
  };
  const char *summary =
      "SELECT count(*), count(DISTINCT id), min(name), max(name) FROM public.items";
  CommandResult first = run_target(destination, items("a"), "");
  REQUIRE_MESSAGE(first.status == 0, first.output);
  CHECK(dump(destination.sql(), summary) == "20000|20000|a1|a9999\n");
  // Each slice committed in its own transaction.
  CHECK(dump(destination.sql(), "SELECT count(DISTINCT xmin::text) FROM public.items") == "2\n");
  // Every key again: the slices meet existing keys, and the batch is upserted instead.
  CommandResult second = run_target(destination, items("b"), "");
  REQUIRE_MESSAGE(second.status == 0, second.output);
  CHECK(second.output.find("loading through a staging table") != std::string::npos);
  CHECK(dump(destination.sql(), summary) == "20000|20000|b1|b9999\n");
  // The upsert of a batch whose keys are all different is sliced too.
  CHECK(dump(destination.sql(), "SELECT count(DISTINCT xmin::text) FROM public.items") == "2\n");
  // A key twice in the batch, once in each half: the batch stays whole, and its later record
  // is the one kept.
  std::string repeated = items("c");
  repeated += item(7, "c7-last");
  CommandResult third = run_target(destination, repeated, "");
  REQUIRE_MESSAGE(third.status == 0, third.output);
  CHECK(dump(destination.sql(), summary) == "20000|20000|c1|c9999\n");
  CHECK(dump(destination.sql(), "SELECT name FROM public.items WHERE id = 7") == "c7-last\n");
  CHECK(dump(destination.sql(), "SELECT count(DISTINCT xmin::text) FROM public.items") == "1\n");
}

TEST_CASE("a new table's columns follow the order of the tap's SCHEMA") {
  REQUIRE_SERVER(server);
  ThrowawayDatabase destination(*server, unique("chorus_tgt_order"));
  CommandResult result = run_target(
      destination,
      R"({"type":"SCHEMA","stream":"things","key_properties":["id"],"schema":{"type":"object",)"
      R"("properties":{"zeta":{"type":"string"},"id":{"type":"integer"},"alpha":{"type":"string"}}}})"
      "\n",
      "\"add_record_metadata\":false");
  REQUIRE_MESSAGE(result.status == 0, result.output);
  CHECK(dump(destination.sql(),
             "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM "
             "information_schema.columns WHERE table_name = 'things' AND column_name NOT LIKE "
             "'\\_sdc\\_%'") == "zeta,id,alpha\n");
}

namespace {

const char *kEventsSchema =
    R"({"type":"SCHEMA","stream":"events","key_properties":["id"],"schema":{"type":"object",)"
    R"("properties":{"id":{"type":"integer"},"at":{"type":["null","string"],"format":"date-time"},)"
    R"("amount":{"type":["null","number"]}}}})"
    "\n";

std::string event(int id, const std::string &at, const std::string &amount) {
  return R"({"type":"RECORD","stream":"events","record":{"id":)" + std::to_string(id) +
         R"(,"at":")" + at + R"(","amount":)" + amount + "}}\n";
}

const char *kEventsDump = "SELECT id, at AT TIME ZONE 'UTC', amount FROM public.events ORDER BY id";

}  // namespace

TEST_CASE("a row binary COPY cannot carry exactly goes as text, and the rows around it load") {
  REQUIRE_SERVER(server);
  ThrowawayDatabase destination(*server, unique("chorus_tgt_binary_fallback"));
  // Row 3's seven fractional digits are the server's to round, and row 4's exponent its to read:
  // the binary COPY stops before row 3, a text COPY carries rows 3 to 5.
  std::string singer =
      std::string(kEventsSchema) + event(1, "2024-01-31T10:20:30.5+05:30", "1.50") +
      event(2, "2024-02-29T00:00:00Z", "-0.001") + event(3, "2024-03-01T00:00:00.1234567Z", "12") +
      event(4, "2024-03-02T00:00:00Z", "1.5e3") +
      event(5, "2024-03-03T23:59:59.999999-01:00", "99999999999999999999.99");
  CommandResult result = run_target(destination, singer, "");
  REQUIRE_MESSAGE(result.status == 0, result.output);
  CHECK(dump(destination.sql(), kEventsDump) ==
        "1|2024-01-31 04:50:30.5|1.50\n"
        "2|2024-02-29 00:00:00|-0.001\n"
        "3|2024-03-01 00:00:00.123457|12\n"
        "4|2024-03-02 00:00:00|1500\n"
        "5|2024-03-04 00:59:59.999999|99999999999999999999.99\n");
}

TEST_CASE("a value the server refuses after the switch to text names its own Singer line") {
  REQUIRE_SERVER(server);
  ThrowawayDatabase destination(*server, unique("chorus_tgt_binary_refused"));
  // Line 4 (record 3) has a day February does not have. With validation off, binary leaves it
  // to the server's text parser, whose refusal must still point at line 4, not at the first
  // row of the batch.
  std::string singer = std::string(kEventsSchema) + event(1, "2024-01-31T00:00:00Z", "1") +
                       event(2, "2024-02-01T00:00:00Z", "2") +
                       event(3, "2024-02-30T00:00:00Z", "3") +
                       event(4, "2024-02-02T00:00:00Z", "4");
  CommandResult result = run_target(destination, singer, "\"validate_records\":false");
  CHECK(result.status != 0);
  CHECK_MESSAGE(result.output.find("stream 'events', line 4") != std::string::npos, result.output);
  CHECK_MESSAGE(result.output.find("2024-02-30") != std::string::npos, result.output);
}

TEST_CASE("a table with a column binary fields cannot feed is loaded with text COPY") {
  REQUIRE_SERVER(server);
  ThrowawayDatabase destination(*server, unique("chorus_tgt_text_only"));
  // real is not double precision, and a domain is not its base type: their binary forms differ
  // or are checked differently, so the whole table loads as text.
  destination.sql().execute(
      "CREATE DOMAIN positive AS bigint CHECK (VALUE > 0); "
      "CREATE TABLE public.events (id positive PRIMARY KEY, at timestamptz, amount real)");
  std::string singer = std::string(kEventsSchema) + event(1, "2024-01-31T00:00:00Z", "1.25") +
                       event(2, "2024-02-01T00:00:00Z", "0.5");
  CommandResult result = run_target(destination, singer, "");
  REQUIRE_MESSAGE(result.status == 0, result.output);
  CHECK(dump(destination.sql(), kEventsDump) ==
        "1|2024-01-31 00:00:00|1.25\n"
        "2|2024-02-01 00:00:00|0.5\n");
}
