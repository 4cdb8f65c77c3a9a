// Catalogs: what discovery writes, and parse_catalog / to_catalog with Singer's metadata.
#include "chorus/plugin/catalog.h"

#include <doctest/doctest.h>

#include "chorus/plugin/errors.h"
#include "fixture_plugins.h"

namespace {

nlohmann::json discovered() {
  chorus::test::FixtureTap tap(chorus::PluginContext(), {{"api_key", "k"}});
  return tap.catalog();
}

const nlohmann::json &metadata_at(const nlohmann::json &stream, const nlohmann::json &breadcrumb) {
  for (const auto &item : stream["metadata"]) {
    if (item["breadcrumb"] == breadcrumb) return item["metadata"];
  }
  FAIL("no metadata for breadcrumb " << breadcrumb.dump());
  static const nlohmann::json none;
  return none;
}

}  // namespace

TEST_CASE("discovery writes Singer metadata for streams and properties") {
  const auto catalog = discovered();
  const auto &orders = catalog["streams"][0];
  CHECK(orders["tap_stream_id"] == "orders");
  CHECK(orders["key_properties"] == nlohmann::json({"id"}));
  const auto &top = metadata_at(orders, nlohmann::json::array());
  CHECK(top["selected"] == true);
  CHECK(top["selected-by-default"] == true);
  CHECK(top["replication-method"] == "INCREMENTAL");
  CHECK(top["replication-key"] == "updated_at");
  CHECK(top["valid-replication-keys"] == nlohmann::json({"updated_at"}));
  CHECK(top["table-key-properties"] == nlohmann::json({"id"}));
  CHECK(top["schema-name"] == "public");
  CHECK(top["is-view"] == false);
  CHECK(top["row-count"] == 3);
  CHECK_FALSE(top.contains("forced-replication-method"));

  const auto &id = metadata_at(orders, {"properties", "id"});
  CHECK(id["inclusion"] == "automatic");
  CHECK(id["sql-datatype"] == "integer");
  CHECK(metadata_at(orders, {"properties", "updated_at"})["inclusion"] == "automatic");
  const auto &note = metadata_at(orders, {"properties", "note"});
  CHECK(note["inclusion"] == "available");
  CHECK(note["selected"] == true);

  const auto &events = catalog["streams"][1];
  const auto &events_top = metadata_at(events, nlohmann::json::array());
  CHECK(events_top["selected"] == false);
  CHECK(events_top["forced-replication-method"] == "FULL_TABLE");
  CHECK(events_top["replication-method"] == "FULL_TABLE");
}

TEST_CASE("parse_catalog unpacks selection, replication and deselected properties") {
  auto catalog = discovered();
  auto &orders = catalog["streams"][0];
  for (auto &item : orders["metadata"]) {
    if (item["breadcrumb"] == nlohmann::json({"properties", "note"})) {
      item["metadata"]["selected"] = false;
    }
    if (item["breadcrumb"] == nlohmann::json({"properties", "id"})) {
      item["metadata"]["selected"] = false;  // automatic: cannot be deselected
    }
  }
  const auto entries = chorus::parse_catalog(catalog);
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].stream == "orders");
  CHECK(entries[0].selected);
  CHECK(entries[0].replication_method == chorus::ReplicationMethod::Incremental);
  CHECK(entries[0].replication_key == "updated_at");
  CHECK(entries[0].key_properties == std::vector<std::string>{"id"});
  CHECK(entries[0].deselected_properties == std::vector<std::string>{"note"});
  CHECK_FALSE(entries[1].selected);
  CHECK(entries[1].replication_method == chorus::ReplicationMethod::FullTable);
}

TEST_CASE("a catalog survives parse_catalog and to_catalog unchanged in meaning") {
  auto entries = chorus::parse_catalog(discovered());
  entries[0].deselected_properties = {"note"};
  entries[1].selected = true;
  entries[1].replication_method = chorus::ReplicationMethod::LogBased;
  const auto written = chorus::to_catalog(entries);
  const auto again = chorus::parse_catalog(written);
  REQUIRE(again.size() == entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    CAPTURE(i);
    CHECK(again[i].tap_stream_id == entries[i].tap_stream_id);
    CHECK(again[i].stream == entries[i].stream);
    CHECK(again[i].schema == entries[i].schema);
    CHECK(again[i].key_properties == entries[i].key_properties);
    CHECK(again[i].selected == entries[i].selected);
    CHECK(again[i].replication_method == entries[i].replication_method);
    CHECK(again[i].replication_key == entries[i].replication_key);
    CHECK(again[i].deselected_properties == entries[i].deselected_properties);
  }
  // Metadata the SDK does not interpret is kept.
  CHECK(metadata_at(written["streams"][0], nlohmann::json::array())["schema-name"] == "public");
}

TEST_CASE("selected-by-default decides when the catalog does not say selected") {
  const auto entries = chorus::parse_catalog(nlohmann::json::parse(R"({"streams": [
    {"tap_stream_id": "a", "schema": {"type": "object"},
     "metadata": [{"breadcrumb": [], "metadata": {"selected-by-default": true}}]},
    {"tap_stream_id": "b", "schema": {"type": "object"}, "metadata": []}]})"));
  CHECK(entries[0].selected);
  CHECK(entries[0].stream == "a");
  CHECK_FALSE(entries[1].selected);
}

TEST_CASE("a malformed catalog is a ConfigError naming the stream") {
  auto error_of = [](const char *text) -> std::string {
    try {
      chorus::parse_catalog(nlohmann::json::parse(text));
    } catch (const chorus::ConfigError &error) {
      return error.what();
    }
    return "no error";
  };
  CHECK(error_of(R"({"streams": 1})").find("\"streams\" list") != std::string::npos);
  CHECK(error_of(R"({"streams": [{"tap_stream_id": "orders"}]})").find("'orders'") !=
        std::string::npos);
  CHECK(error_of(R"({"streams": [{"tap_stream_id": "orders", "schema": {},
      "metadata": [{"breadcrumb": [], "metadata": {"replication-method": "SOMETIMES"}}]}]})")
            .find("unknown replication method 'SOMETIMES'") != std::string::npos);
}

TEST_CASE("replication methods print and parse with Singer's names") {
  using chorus::ReplicationMethod;
  for (auto method : {ReplicationMethod::FullTable, ReplicationMethod::Incremental,
                      ReplicationMethod::LogBased}) {
    CHECK(chorus::parse_replication_method(chorus::to_string(method)) == method);
  }
  CHECK(chorus::to_string(ReplicationMethod::LogBased) == "LOG_BASED");
}
