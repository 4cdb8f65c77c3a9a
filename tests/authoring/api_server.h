// Starts rest_api_server.py (python3) on a free port for the duration of a test binary.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace chorus_test {

class ApiServer {
 public:
  // The one server of this test binary, started on first use.
  static ApiServer &instance();
  ~ApiServer();

  // "http://127.0.0.1:<port>"
  const std::string &base_url() const { return base_url_; }
  // GET /stats, parsed.
  nlohmann::json stats() const;

 private:
  ApiServer();
  int pid_ = -1;
  std::string base_url_;
};

// A string unique within this process, for the server's fault and rate keys.
std::string unique_key(const std::string &prefix);

}  // namespace chorus_test
