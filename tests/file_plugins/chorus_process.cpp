#include "chorus_process.h"

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace chorus::file_plugins_test {
namespace fs = std::filesystem;
namespace {

std::string shell_quote(const std::string &text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted.push_back(c);
    }
  }
  return quoted + "'";
}

RunResult run_shell(const std::string &command, const fs::path &out_dir) {
  const fs::path out = out_dir / ".stdout";
  const fs::path err = out_dir / ".stderr";
  std::string full = command + " >" + shell_quote(out.string()) + " 2>" + shell_quote(err.string());
  int status = std::system(full.c_str());
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_file(out);
  result.err = read_file(err);
  return result;
}

}  // namespace

std::vector<nlohmann::json> RunResult::messages() const {
  std::vector<nlohmann::json> parsed;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) parsed.push_back(nlohmann::json::parse(line));
  }
  return parsed;
}

std::vector<nlohmann::json> RunResult::states() const {
  std::vector<nlohmann::json> values;
  for (const auto &message : messages()) {
    // A tap writes STATE messages; a target under `chorus exec` prints the bare values.
    if (message.value("type", "") == "STATE") {
      values.push_back(message["value"]);
    } else if (message.is_object() && !message.contains("type")) {
      values.push_back(message);
    }
  }
  return values;
}

std::vector<std::string> RunResult::record_lines() const {
  std::vector<std::string> records;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("\"type\":\"RECORD\"") != std::string::npos) records.push_back(line);
  }
  return records;
}

Scratch::Scratch() {
  std::random_device random;
  const fs::path base = fs::path(CHORUS_BINARY_DIR) / "tests" / "file_plugins" / "scratch";
  fs::create_directories(base);
  dir_ = base / ("run-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
  fs::create_directories(dir_);
}

Scratch::~Scratch() {
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

fs::path Scratch::write(const std::string &name, const std::string &contents) const {
  fs::path target = dir_ / name;
  fs::create_directories(target.parent_path());
  std::ofstream file(target, std::ios::binary);
  file << contents;
  return target;
}

fs::path Scratch::write_json(const std::string &name, const nlohmann::json &value) const {
  return write(name, value.dump());
}

fs::path Scratch::write_target_config(const nlohmann::json &extra) const {
  nlohmann::json config = {{"destination_path", path("out")}, {"add_record_metadata", false}};
  config.update(extra);
  return write_json("target.json", config);
}

std::string Scratch::read(const std::string &name) const { return read_file(dir_ / name); }

std::string read_file(const fs::path &path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

fs::path fixture(const std::string &name) {
  return fs::path(CHORUS_SOURCE_DIR) / "tests" / "file_plugins" / "fixtures" / name;
}

fs::path source_path(const std::string &relative) { return fs::path(CHORUS_SOURCE_DIR) / relative; }

RunResult chorus_exec(const std::string &plugin, const fs::path &config, const fs::path &input,
                      const std::vector<std::string> &extra) {
  std::string command = shell_quote((fs::path(CHORUS_BINARY_DIR) / "chorus").string()) + " exec " +
                        shell_quote(plugin) + " -- --config " + shell_quote(config.string());
  for (const std::string &arg : extra) command += " " + shell_quote(arg);
  command += input.empty() ? " </dev/null" : " <" + shell_quote(input.string());
  return run_shell(command, config.parent_path());
}

RunResult chorus(const std::vector<std::string> &arguments, const fs::path &working_dir,
                 const std::vector<std::string> &environment) {
  std::string command = "cd " + shell_quote(working_dir.string()) + " && env";
  for (const std::string &assignment : environment) command += " " + shell_quote(assignment);
  command += " " + shell_quote((fs::path(CHORUS_BINARY_DIR) / "chorus").string());
  for (const std::string &arg : arguments) command += " " + shell_quote(arg);
  command += " </dev/null";
  return run_shell(command, working_dir);
}

RunResult require_success(RunResult result) {
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  return result;
}

RunResult load_fixture(const Scratch &scratch, const std::string &plugin,
                       const std::string &fixture_name, const nlohmann::json &extra) {
  return require_success(
      chorus_exec(plugin, scratch.write_target_config(extra), fixture(fixture_name)));
}

}  // namespace chorus::file_plugins_test
