// Runs the chorus program the way a user does, for tests of the file plugins: a scratch folder,
// `chorus exec PLUGIN -- ...` with a file on stdin, and the output and exit code back.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace chorus::file_plugins_test {

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr (logs, errors)

  // The stdout lines parsed as JSON messages.
  std::vector<nlohmann::json> messages() const;
  // The state values among them, in order: of STATE messages (a tap's output) and bare ones (a
  // target's output).
  std::vector<nlohmann::json> states() const;
  // The RECORD lines, raw (to check numbers digit for digit).
  std::vector<std::string> record_lines() const;
};

// A fresh folder under the build tree, removed when the test ends.
class Scratch {
 public:
  Scratch();
  ~Scratch();
  const std::filesystem::path &dir() const { return dir_; }
  std::filesystem::path path(const std::string &name) const { return dir_ / name; }
  std::filesystem::path write(const std::string &name, const std::string &contents) const;
  std::filesystem::path write_json(const std::string &name, const nlohmann::json &value) const;
  // target.json of a file target writing into out/ here without the _sdc_ metadata columns,
  // with the `extra` settings added.
  std::filesystem::path write_target_config(
      const nlohmann::json &extra = nlohmann::json::object()) const;
  std::string read(const std::string &name) const;

 private:
  std::filesystem::path dir_;
};

std::string read_file(const std::filesystem::path &path);
std::filesystem::path fixture(const std::string &name);
std::filesystem::path source_path(const std::string &relative);

// `chorus exec plugin -- --config config [extra...]` with stdin from `input` (empty: none).
RunResult chorus_exec(const std::string &plugin, const std::filesystem::path &config,
                      const std::filesystem::path &input = {},
                      const std::vector<std::string> &extra = {});

// `chorus` with any arguments, run in `working_dir`, with extra environment assignments.
RunResult chorus(const std::vector<std::string> &arguments,
                 const std::filesystem::path &working_dir,
                 const std::vector<std::string> &environment = {});

// `result` of a run the test requires to succeed: a non-zero exit ends the test case there, with
// the run's stderr as the message, so the checks that follow only ever look at a good run.
RunResult require_success(RunResult result);

// `plugin`, a file target, on the fixture stream `fixture_name` with the settings of
// scratch.write_target_config(extra); required to succeed.
RunResult load_fixture(const Scratch &scratch, const std::string &plugin,
                       const std::string &fixture_name,
                       const nlohmann::json &extra = nlohmann::json::object());

}  // namespace chorus::file_plugins_test
