#include "catalog_selection.h"

#include <doctest/doctest.h>

using chorus::host::select_streams;
using nlohmann::json;

namespace {
json catalog() {
  auto stream = [](const std::string &name) {
    return json{
        {"tap_stream_id", name},
        {"schema", {{"properties", {{"id", json::object()}, {"email", json::object()}}}}},
        {"metadata",
         {{{"breadcrumb", {"properties", "id"}}, {"metadata", {{"inclusion", "automatic"}}}}}}};
  };
  return json{{"streams", {stream("orders"), stream("users")}}};
}

bool selected(const json &stream, const json &breadcrumb) {
  for (const auto &entry : stream["metadata"]) {
    if (entry["breadcrumb"] == breadcrumb) return entry["metadata"].value("selected", false);
  }
  return false;
}
}  // namespace

TEST_CASE("selecting a stream selects it with all properties and deselects the others") {
  json result = select_streams(catalog(), {"orders"});
  CHECK(selected(result["streams"][0], json::array()));
  CHECK(selected(result["streams"][0], json{"properties", "email"}));
  CHECK_FALSE(selected(result["streams"][1], json::array()));
}

TEST_CASE("stream.property patterns select only those properties and automatic ones") {
  json result = select_streams(catalog(), {"us*.email"});
  CHECK(selected(result["streams"][1], json::array()));
  CHECK(selected(result["streams"][1], json{"properties", "email"}));
  CHECK(selected(result["streams"][1], json{"properties", "id"}));
  CHECK_FALSE(selected(result["streams"][0], json::array()));
}

TEST_CASE("a pattern matching no stream is an error listing the streams") {
  CHECK_THROWS_WITH(select_streams(catalog(), {"ordres"}), doctest::Contains("orders, users"));
}
