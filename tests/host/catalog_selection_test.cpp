#include "plugins/catalog_selection.h"

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

TEST_CASE("a misspelled stream or property is an error with a did-you-mean hint") {
  CHECK_THROWS_WITH(select_streams(catalog(), {"ordres"}),
                    doctest::Contains("did you mean 'orders'?"));
  CHECK_THROWS_WITH(select_streams(catalog(), {"orders.emial"}),
                    doctest::Contains("stream orders has no property 'emial' (did you mean "
                                      "'email'?); its properties are: email, id"));
  CHECK_THROWS_WITH(select_streams(catalog(), {"!users.nope"}), doctest::Contains("'nope'"));
}

TEST_CASE("!stream.property excludes; with only exclusions everything else stays selected") {
  json result = select_streams(catalog(), {"!users.email"});
  CHECK(selected(result["streams"][0], json::array()));
  CHECK(selected(result["streams"][0], json{"properties", "email"}));
  CHECK(selected(result["streams"][1], json::array()));
  CHECK_FALSE(selected(result["streams"][1], json{"properties", "email"}));
  CHECK(selected(result["streams"][1], json{"properties", "id"}));

  json without_orders = select_streams(catalog(), {"*", "!orders"});
  CHECK_FALSE(selected(without_orders["streams"][0], json::array()));
  CHECK(selected(without_orders["streams"][1], json::array()));
}

TEST_CASE("excluding a property the tap always sends is an error") {
  CHECK_THROWS_WITH(select_streams(catalog(), {"!orders.id"}),
                    doctest::Contains("inclusion: automatic"));
}

TEST_CASE("selection_states lists every stream and property with its state") {
  json result = select_streams(catalog(), {"orders.*", "!orders.email"});
  auto states = chorus::host::selection_states(result);
  REQUIRE(states.size() == 6);
  using State = chorus::host::SelectionEntry::State;
  CHECK(states[0].stream == "orders");
  CHECK(states[0].state == State::Selected);
  CHECK(states[1].property == "email");
  CHECK(states[1].state == State::Excluded);
  CHECK(states[2].property == "id");
  CHECK(states[2].state == State::Automatic);
  CHECK(states[3].state == State::Excluded);  // users
  CHECK(states[5].state == State::Excluded);  // users.id: its stream is not synced
}
