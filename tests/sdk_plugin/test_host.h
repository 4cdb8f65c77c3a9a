// A host for driving plugins through the ABI in tests: captures set_error and log lines, lets a
// test raise the stop flag, and moves Singer text in and out through temporary files.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chorus/abi.h"

namespace chorus::test {

class TestHost {
 public:
  TestHost();
  const chorus_host_v1 *get() const { return &host_; }

  int32_t last_code = CHORUS_OK;
  std::string last_error;
  int error_calls = 0;
  std::vector<std::string> logs;
  bool stop = false;

  // The log lines that start with "METRIC: ", parsed.
  std::vector<nlohmann::json> metrics() const;

 private:
  chorus_host_v1 host_{};
};

// A temporary file, removed on destruction; fd() is open for reading and writing.
class TempFile {
 public:
  explicit TempFile(const std::string &content = "");
  ~TempFile();
  TempFile(const TempFile &) = delete;
  TempFile &operator=(const TempFile &) = delete;

  int fd() const { return fd_; }
  const std::string &path() const { return path_; }
  std::string read_all() const;

 private:
  std::string path_;
  int fd_ = -1;
};

std::string read_file(const std::string &path);

// Non-empty lines of `text`, each parsed as JSON.
std::vector<nlohmann::json> json_lines(const std::string &text);
// Only the messages of `type` ("SCHEMA", "RECORD", "STATE", ...).
std::vector<nlohmann::json> messages_of(const std::vector<nlohmann::json> &messages,
                                        const std::string &type);

}  // namespace chorus::test
