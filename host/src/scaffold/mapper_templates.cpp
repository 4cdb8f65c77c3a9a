// The mapper project template: drops the properties the config names, in schemas and records.
#include "scaffold/templates.h"

namespace chorus::host::scaffold {

const char *const kMapperHeader = R"chorus(// @PLUGIN@: a chorus mapper.
#pragma once

#include <set>
#include <string>

#include <chorus/plugin/mapper.h>
#include <chorus/plugin/settings.h>

namespace @IDENT@ {

// Removes the properties listed in "drop" ("stream.property") from schemas and records.
// Replace with the transformation @PLUGIN@ is for.
class @CLASS@ final : public chorus::Mapper {
 public:
  static chorus::PluginInfo info();
  @CLASS@(chorus::PluginContext context, nlohmann::json config);
  void map_schema(chorus::singer::SchemaMessage &schema) override;
  void map_record(const chorus::singer::RecordView &record,
                  chorus::singer::MessageWriter &out) override;

 private:
  bool dropped(std::string_view stream, std::string_view property) const;
  std::set<std::string> drop_;
};

}  // namespace @IDENT@
)chorus";

const char *const kMapperSource = R"chorus(#include "@IDENT@.h"

#include <chorus/singer/writer.h>

namespace @IDENT@ {

chorus::PluginInfo @CLASS@::info() {
  return {"@PLUGIN@",
          "0.1.0",
          "Drops the properties named in 'drop' (replace with what @PLUGIN@ does).",
          {"about", "stream-maps"},
          {{"type", "object"},
           {"properties",
            {{"drop",
              {{"type", "array"},
               {"items", {{"type", "string"}}},
               {"default", nlohmann::json::array()},
               {"description", "Properties to remove, as stream.property."}}}}}}};
}

@CLASS@::@CLASS@(chorus::PluginContext context, nlohmann::json config)
    : Mapper(context, std::move(config)) {
  for (const auto &name : this->config().value("drop", nlohmann::json::array())) {
    drop_.insert(name.get<std::string>());
  }
}

bool @CLASS@::dropped(std::string_view stream, std::string_view property) const {
  std::string key;
  key.append(stream).append(".").append(property);
  return drop_.count(key) > 0;
}

void @CLASS@::map_schema(chorus::singer::SchemaMessage &schema) {
  if (!schema.schema.contains("properties")) return;
  auto &properties = schema.schema["properties"];
  for (auto it = properties.begin(); it != properties.end();) {
    it = dropped(schema.stream, it.key()) ? properties.erase(it) : std::next(it);
  }
}

void @CLASS@::map_record(const chorus::singer::RecordView &record,
                         chorus::singer::MessageWriter &out) {
  out.begin_record(record.stream);
  for (const auto &field : record.fields) {
    if (!dropped(record.stream, field.name)) out.add_value(field.name, field.value);
  }
  out.end_record(record.time_extracted);
}

}  // namespace @IDENT@
)chorus";

const char *const kMapperTest = R"chorus(#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <dlfcn.h>

#include <cstdio>
#include <string>
#include <vector>

#include <chorus/abi.h>

#include "@IDENT@.h"

namespace {

// Runs the mapper on `input` (Singer lines) and returns the messages it wrote.
std::vector<nlohmann::json> run(const nlohmann::json &config, const std::string &input) {
  @IDENT@::@CLASS@ mapper(chorus::PluginContext{},
                          chorus::apply_settings(@IDENT@::@CLASS@::info().settings, config));
  std::FILE *in = std::tmpfile();
  std::FILE *out = std::tmpfile();
  std::fputs(input.c_str(), in);
  std::fflush(in);
  std::rewind(in);
  mapper.run(fileno(in), fileno(out));
  std::rewind(out);
  std::vector<nlohmann::json> messages;
  char line[4096];
  while (std::fgets(line, sizeof line, out)) messages.push_back(nlohmann::json::parse(line));
  std::fclose(in);
  std::fclose(out);
  return messages;
}

}  // namespace

TEST_CASE("a dropped property leaves the schema and every record; the rest pass through") {
  std::string input =
      R"({"type":"SCHEMA","stream":"users","schema":{"type":"object","properties":{"id":{"type":"integer"},"email":{"type":"string"}}},"key_properties":["id"]})"
      "\n"
      R"({"type":"RECORD","stream":"users","record":{"id":1,"email":"a@example.com"}})"
      "\n"
      R"({"type":"STATE","value":{"bookmarks":{}}})"
      "\n";
  auto messages = run({{"drop", {"users.email"}}}, input);
  REQUIRE(messages.size() == 3);
  CHECK_FALSE(messages[0]["schema"]["properties"].contains("email"));
  CHECK(messages[1]["record"] == nlohmann::json{{"id", 1}});
  CHECK(messages[2]["type"] == "STATE");
}
)chorus";

const char *const kMapperRun = R"chorus(    echo '{"drop": ["users.email"]}' > config.json
    some-tap | chorus exec build/@PLUGIN@.so -- --config config.json | some-target
)chorus";

}  // namespace chorus::host::scaffold
