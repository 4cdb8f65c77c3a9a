// --config FILE|ENV under `chorus exec`: the Meltano SDK's environment variable names and
// merge order, and settings parsed by their type.
#include "pipeline/config_sources.h"

#include <doctest/doctest.h>

#include <fstream>
#include <map>

#include "process/child_process.h"
#include "process/temp_files.h"

using namespace chorus::host;

namespace {

const nlohmann::json kSchema = nlohmann::json::parse(R"({
  "type": "object",
  "properties": {
    "files": {"type": "array", "items": {"type": "object"}},
    "tags": {"type": "array", "items": {"type": "string"}},
    "state_every": {"type": "integer"},
    "ratio": {"type": ["number", "null"]},
    "strict": {"type": "boolean"},
    "api-key": {"type": "string", "secret": true},
    "options": {"type": "object"}
  }
})");

EnvironmentLookup environment(std::map<std::string, std::string> variables) {
  return [variables](const std::string &name) -> std::optional<std::string> {
    const auto found = variables.find(name);
    if (found == variables.end()) return std::nullopt;
    return found->second;
  };
}

}  // namespace

TEST_CASE("a setting's variable is the plugin and setting names upper-cased, '-' as '_'") {
  CHECK(setting_environment_variable("tap-csv", "files") == "TAP_CSV_FILES");
  CHECK(setting_environment_variable("target-postgres", "api-key") == "TARGET_POSTGRES_API_KEY");
  CHECK(setting_environment_variable("mapper-pii", "state_every") == "MAPPER_PII_STATE_EVERY");
}

TEST_CASE("settings from the environment are parsed by their type") {
  const auto config = config_from_environment(
      "tap-csv", kSchema,
      environment({{"TAP_CSV_FILES", R"([{"entity": "orders", "path": "o.csv"}])"},
                   {"TAP_CSV_TAGS", "a,b,,c"},
                   {"TAP_CSV_STATE_EVERY", "25"},
                   {"TAP_CSV_RATIO", "0.5"},
                   {"TAP_CSV_STRICT", "False"},
                   {"TAP_CSV_API_KEY", "s3cret"},
                   {"TAP_CSV_OPTIONS", R"({"x": 1})"},
                   {"TAP_CSV_UNKNOWN", "ignored"},
                   {"TAP_CSV__SELECT", "ignored too"}}));
  CHECK(config["files"][0]["entity"] == "orders");
  CHECK(config["tags"] == nlohmann::json({"a", "b", "", "c"}));
  CHECK(config["state_every"] == 25);
  CHECK(config["ratio"] == 0.5);
  CHECK(config["strict"] == false);
  CHECK(config["api-key"] == "s3cret");
  CHECK(config["options"]["x"] == 1);
  CHECK(config.size() == 7);
}

TEST_CASE("a value that does not parse as its setting's type is refused, naming the variable") {
  auto refused = [](const std::string &variable, const std::string &value) {
    try {
      config_from_environment("tap-csv", kSchema, environment({{variable, value}}));
    } catch (const std::runtime_error &e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK(refused("TAP_CSV_STATE_EVERY", "ten").find("TAP_CSV_STATE_EVERY is not an integer") !=
        std::string::npos);
  CHECK(refused("TAP_CSV_STATE_EVERY", "2.5").find("not an integer") != std::string::npos);
  CHECK(refused("TAP_CSV_STRICT", "maybe").find("TAP_CSV_STRICT") != std::string::npos);
  CHECK(refused("TAP_CSV_FILES", "o.csv").find("not a JSON array") != std::string::npos);
  // The Meltano SDK refuses a bracketed list of strings; so does chorus.
  CHECK(refused("TAP_CSV_TAGS", "[a,b]").find("bracketed list") != std::string::npos);
}

TEST_CASE("--config sources merge in order, later keys replacing earlier ones") {
  TempDir dir;
  const auto first = dir.path() / "first.json";
  const auto second = dir.path() / "second.json";
  std::ofstream(first) << R"({"state_every": 5, "ratio": 1.5, "tags": ["x"]})";
  std::ofstream(second) << R"({"state_every": 7})";
  const auto env = environment({{"TAP_CSV_RATIO", "2.5"}});

  auto merged = merge_config_sources({first.string(), second.string()}, "tap-csv", kSchema, env);
  CHECK(merged == nlohmann::json::parse(R"({"state_every": 7, "ratio": 1.5, "tags": ["x"]})"));

  merged = merge_config_sources({first.string(), "ENV", second.string()}, "tap-csv", kSchema, env);
  CHECK(merged == nlohmann::json::parse(R"({"state_every": 7, "ratio": 2.5, "tags": ["x"]})"));

  merged = merge_config_sources({"ENV", first.string()}, "tap-csv", kSchema, env);
  CHECK(merged["ratio"] == 1.5);
}

TEST_CASE("a --config file that is missing or not an object is an error naming it") {
  TempDir dir;
  const auto list = dir.path() / "list.json";
  std::ofstream(list) << "[1, 2]";
  CHECK_THROWS_WITH(merge_config_sources({list.string()}, "tap-csv", kSchema, environment({})),
                    doctest::Contains("list.json is not a JSON object"));
  CHECK_THROWS_WITH(merge_config_sources({(dir.path() / "absent.json").string()}, "tap-csv",
                                         kSchema, environment({})),
                    doctest::Contains("absent.json"));
}
