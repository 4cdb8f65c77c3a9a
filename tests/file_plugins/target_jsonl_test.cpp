// target-jsonl through `chorus exec`.
#include <doctest/doctest.h>

#include "chorus_process.h"

namespace chorus::file_plugins_test {

TEST_CASE("target-jsonl writes each record as its JSON object, one per line, numbers exact") {
  Scratch scratch;
  auto config = scratch.write_json("target.json", {{"destination_path", scratch.path("out")}});
  RunResult result = chorus_exec("target-jsonl", config, fixture("values_and_nulls.singer"));
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  CHECK(scratch.read("out/values.jsonl") ==
        "{\"id\":1,\"amount\":1234.50,\"ratio\":0.25,\"note\":\"plain\",\"flag\":true,"
        "\"tags\":[\"a\",\"b\"]}\n"
        "{\"id\":2,\"amount\":12345678901234567890.123456789,\"ratio\":null,\"note\":\"\","
        "\"flag\":false,\"tags\":[]}\n"
        "{\"id\":3,\"amount\":-0.000100,\"ratio\":1e3,\"note\":null,\"flag\":null,"
        "\"tags\":null}\n"
        "{\"id\":4,\"amount\":0,\"note\":\"comma, \\\"quote\\\" and\\nline break\","
        "\"flag\":true}\n");
  REQUIRE(result.states().size() == 1);
}

TEST_CASE("target-jsonl keeps appending when a stream's SCHEMA comes again") {
  Scratch scratch;
  auto config = scratch.write_json("target.json", {{"destination_path", scratch.path("out")}});
  RunResult result = chorus_exec("target-jsonl", config, fixture("schema_growth.singer"));
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  CHECK(scratch.read("out/people.jsonl") ==
        "{\"id\":1,\"name\":\"Ada\"}\n"
        "{\"id\":2,\"name\":\"Grace\",\"email\":\"grace@example.com\"}\n");
}

}  // namespace chorus::file_plugins_test
