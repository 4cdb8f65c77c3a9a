#include "pipeline/pipeline_config.h"

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <map>

#include "process/child_process.h"
#include "process/temp_files.h"

using namespace chorus::host;

namespace {
EnvironmentLookup fake_env(std::map<std::string, std::string> values) {
  return [values](const std::string &name) -> std::optional<std::string> {
    auto found = values.find(name);
    if (found == values.end()) return std::nullopt;
    return found->second;
  };
}
}  // namespace

TEST_CASE("interpolate_env replaces variables and applies defaults to unset or empty ones") {
  auto env = fake_env({{"HOST", "db.local"}, {"EMPTY", ""}});
  CHECK(interpolate_env("postgres://${HOST}:5432", env) == "postgres://db.local:5432");
  CHECK(interpolate_env("${PORT:-5432}", env) == "5432");
  CHECK(interpolate_env("${EMPTY:-fallback}", env) == "fallback");
  CHECK(interpolate_env("cost $$5 and $HOME", env) == "cost $5 and $HOME");
}

TEST_CASE("interpolate_env names an unset variable instead of passing an empty string") {
  CHECK_THROWS_WITH(interpolate_env("${MISSING}", fake_env({})), doctest::Contains("MISSING"));
  CHECK_THROWS(interpolate_env("${UNCLOSED", fake_env({})));
}

TEST_CASE("yaml_to_json types plain scalars and keeps quoted ones as strings") {
  auto json =
      yaml_to_json(YAML::Load("a: 10\nb: '10'\nc: true\nd: 1.5\ne: ~\nf: [x, 2]\ng: ${N}\n"),
                   fake_env({{"N", "42"}}));
  CHECK(json["a"] == 10);
  CHECK(json["b"] == "10");
  CHECK(json["c"] == true);
  CHECK(json["d"] == 1.5);
  CHECK(json["e"].is_null());
  CHECK(json["f"][1] == 2);
  CHECK(json["g"] == 42);
}

TEST_CASE("yaml_to_json refuses aliases that expand into a huge tree instead of building it") {
  // Nine levels of ten aliases each name 10^9 scalars in a dozen lines.
  std::string yaml = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level <= 9; ++level) {
    const std::string previous = "*l" + std::to_string(level - 1);
    yaml += "l" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) yaml += (i ? ", " : "") + previous;
    yaml += "]\n";
  }
  CHECK_THROWS_WITH(yaml_to_json(YAML::Load(yaml), fake_env({})),
                    doctest::Contains("YAML aliases"));
}

TEST_CASE("yaml_to_json refuses an alias inside the node it names instead of recursing") {
  CHECK_THROWS_WITH(yaml_to_json(YAML::Load("b: &b [x, *b]\n"), fake_env({})),
                    doctest::Contains("a YAML alias inside the node it names"));
}

TEST_CASE("a pipeline file gives members, config and a state path relative to the file") {
  TempDir dir;
  std::ofstream(dir.path() / "orders.yml") << R"(
name: orders
tap:
  plugin: tap-csv
  config: { files: [ { entity: orders, path: "data/${FILE:-orders}.csv" } ] }
  select: [orders]
mappers:
  - plugin: mapper-pii
target:
  executable: ./bin/target-jsonl
  args: [--verbose]
  config: { destination_path: out }
)";
  auto spec = load_pipeline_file(dir.path() / "orders.yml", fake_env({}));
  CHECK(spec.name == "orders");
  REQUIRE(spec.members.size() == 3);
  CHECK(spec.members[0].role == MemberRole::Tap);
  CHECK(spec.members[0].config["files"][0]["path"] == "data/orders.csv");
  CHECK(spec.members[0].select == std::vector<std::string>{"orders"});
  CHECK(spec.members[1].role == MemberRole::Mapper);
  CHECK(spec.members[2].executable == (dir.path() / "bin/target-jsonl").string());
  CHECK(spec.members[2].display_name() == "target-jsonl");
  CHECK(std::filesystem::path(spec.state_location) == dir.path() / ".chorus" / "orders.state.json");
}

TEST_CASE("a pipeline file with an unknown key is refused, naming the key") {
  TempDir dir;
  std::ofstream(dir.path() / "p.yml")
      << "tap: {plugin: tap-csv}\ntarget: {plugin: target-csv}\ntagret: {}\n";
  CHECK_THROWS_WITH(load_pipeline_file(dir.path() / "p.yml", fake_env({})),
                    doctest::Contains("tagret"));
}

TEST_CASE("a pipeline file's state that is not a path is refused instead of silently defaulted") {
  TempDir dir;
  for (const char *state : {"state: 5", "state: ~", "state: ''", "state: [a]"}) {
    CAPTURE(state);
    std::ofstream(dir.path() / "p.yml") << "tap: {plugin: tap-csv}\ntarget: {plugin: target-csv}\n"
                                        << state << "\n";
    CHECK_THROWS_WITH(load_pipeline_file(dir.path() / "p.yml", fake_env({})),
                      doctest::Contains("state must be a file path"));
  }
  std::ofstream(dir.path() / "p.yml")
      << "tap: {plugin: tap-csv}\ntarget: {plugin: target-csv}\nstate: s/p.json\n";
  CHECK(std::filesystem::path(
            load_pipeline_file(dir.path() / "p.yml", fake_env({})).state_location) ==
        dir.path() / "s" / "p.json");
}

TEST_CASE("--config accepts inline JSON and refuses a value without a name") {
  auto [name, config] = parse_config_option(R"(tap-csv={"delimiter": ";"})");
  CHECK(name == "tap-csv");
  CHECK(config["delimiter"] == ";");
  CHECK_THROWS(parse_config_option("tap-csv"));
}
