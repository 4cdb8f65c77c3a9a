// The tap project template: one incremental stream of generated records, to be replaced by the
// source's real streams.
#include "scaffold/templates.h"

namespace chorus::host::scaffold {

const char *const kTapHeader = R"chorus(// @PLUGIN@: a chorus tap.
#pragma once

#include <memory>
#include <vector>

#include <chorus/plugin/tap.h>
#include <chorus/plugin/settings.h>

namespace @IDENT@ {

// One stream, "items": `count` records with an increasing id, replicated incrementally by id.
// Replace it with the source's streams (for a web API, derive from chorus::http::RestStream).
class ItemsStream final : public chorus::Stream {
 public:
  explicit ItemsStream(long count) : count_(count) {}
  std::string name() const override { return "items"; }
  nlohmann::json schema() const override;
  std::vector<std::string> key_properties() const override { return {"id"}; }
  std::vector<std::string> replication_keys() const override { return {"id"}; }
  void sync(chorus::StreamSync &sync) override;

 private:
  long count_;
};

class @CLASS@ final : public chorus::Tap {
 public:
  static chorus::PluginInfo info();
  @CLASS@(chorus::PluginContext context, nlohmann::json config);
  std::vector<std::unique_ptr<chorus::Stream>> discover_streams() override;
};

}  // namespace @IDENT@
)chorus";

const char *const kTapSource = R"chorus(#include "@IDENT@.h"

namespace @IDENT@ {

nlohmann::json ItemsStream::schema() const {
  return {{"type", "object"},
          {"properties",
           {{"id", {{"type", "integer"}}}, {"name", {{"type", {"null", "string"}}}}}},
          {"required", {"id"}}};
}

void ItemsStream::sync(chorus::StreamSync &sync) {
  // Resume after the last id the state remembers (none on a first run or a full refresh).
  long after = 0;
  const nlohmann::json &bookmark = sync.bookmark();
  if (bookmark.is_object() && bookmark.contains("replication_key_value")) {
    after = bookmark["replication_key_value"].get<long>();
  }
  for (long id = after + 1; id <= count_ && !sync.stop_requested(); ++id) {
    sync.out().begin_record(name());
    sync.out().add_int("id", id);
    sync.out().add_string("name", "item " + std::to_string(id));
    sync.out().end_record();
    sync.count_record();
    sync.set_bookmark({{"replication_key", "id"}, {"replication_key_value", id}});
  }
}

chorus::PluginInfo @CLASS@::info() {
  return {"@PLUGIN@",
          "0.1.0",
          "Generates numbered items (replace with what @PLUGIN@ reads).",
          {"discover", "catalog", "state", "about"},
          {{"type", "object"},
           {"properties",
            {{"count",
              {{"type", "integer"},
               {"default", 3},
               {"description", "How many items the stream holds."}}}}}}};
}

@CLASS@::@CLASS@(chorus::PluginContext context, nlohmann::json config)
    : Tap(context, std::move(config)) {}

std::vector<std::unique_ptr<chorus::Stream>> @CLASS@::discover_streams() {
  std::vector<std::unique_ptr<chorus::Stream>> streams;
  streams.push_back(std::make_unique<ItemsStream>(config().value("count", 3L)));
  return streams;
}

}  // namespace @IDENT@
)chorus";

const char *const kTapTest = R"chorus(#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <dlfcn.h>

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include <chorus/abi.h>
#include <chorus/singer/writer.h>

#include "@IDENT@.h"

namespace {

// Runs a sync of the tap into a temporary file and returns the messages it wrote.
std::vector<nlohmann::json> sync(const nlohmann::json &config, const nlohmann::json &state) {
  @IDENT@::@CLASS@ tap(chorus::PluginContext{},
                       chorus::apply_settings(@IDENT@::@CLASS@::info().settings, config));
  std::FILE *file = std::tmpfile();
  {
    chorus::singer::MessageWriter out(fileno(file));
    tap.sync(nullptr, state, out, false);
    out.flush();
  }
  std::rewind(file);
  std::vector<nlohmann::json> messages;
  char line[4096];
  while (std::fgets(line, sizeof line, file)) messages.push_back(nlohmann::json::parse(line));
  std::fclose(file);
  return messages;
}

std::vector<long> record_ids(const std::vector<nlohmann::json> &messages) {
  std::vector<long> ids;
  for (const auto &m : messages) {
    if (m["type"] == "RECORD") ids.push_back(m["record"]["id"].get<long>());
  }
  return ids;
}

}  // namespace

TEST_CASE("a first sync writes the schema, every item and a bookmark") {
  auto messages = sync({{"count", 3}}, nullptr);
  REQUIRE(!messages.empty());
  CHECK(messages.front()["type"] == "SCHEMA");
  CHECK(record_ids(messages) == std::vector<long>{1, 2, 3});
  CHECK(messages.back()["type"] == "STATE");
  CHECK(messages.back()["value"]["bookmarks"]["items"]["replication_key_value"] == 3);
}

TEST_CASE("a sync resumes after the bookmark") {
  nlohmann::json state = {
      {"bookmarks", {{"items", {{"replication_key", "id"}, {"replication_key_value", 2}}}}}};
  CHECK(record_ids(sync({{"count", 4}}, state)) == std::vector<long>{3, 4});
}

TEST_CASE("an unknown setting is refused") {
  CHECK_THROWS(sync({{"cuont", 3}}, nullptr));
}
)chorus";

const char *const kTapRun = R"chorus(    echo '{"count": 5}' > config.json
    chorus exec build/@PLUGIN@.so -- --config config.json
    chorus run build/@PLUGIN@.so target-jsonl --config @PLUGIN@=config.json \
      --config target-jsonl='{"destination_path": "out"}'
)chorus";

}  // namespace chorus::host::scaffold
