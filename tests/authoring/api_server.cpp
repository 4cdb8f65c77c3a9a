#include "api_server.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <stdexcept>

#include "chorus/http/client.h"

namespace chorus_test {

ApiServer &ApiServer::instance() {
  static ApiServer server;
  return server;
}

ApiServer::ApiServer() {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::string script = std::string(CHORUS_SOURCE_DIR) + "/tests/authoring/rest_api_server.py";
    execlp("python3", "python3", script.c_str(), static_cast<char *>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  // The server prints "PORT <n>" once it listens.
  FILE *out = fdopen(fds[0], "r");
  char line[64] = {0};
  if (!out || !fgets(line, sizeof line, out)) {
    throw std::runtime_error("rest_api_server.py did not start (is python3 installed?)");
  }
  fclose(out);
  int port = 0;
  if (std::sscanf(line, "PORT %d", &port) != 1) {
    throw std::runtime_error(std::string("rest_api_server.py said: ") + line);
  }
  base_url_ = "http://127.0.0.1:" + std::to_string(port);
}

ApiServer::~ApiServer() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
}

nlohmann::json ApiServer::stats() const {
  chorus::http::HttpClient client;
  chorus::http::HttpRequest request;
  request.url = base_url_ + "/stats";
  return client.send_checked(request).json();
}

std::string unique_key(const std::string &prefix) {
  static std::atomic<int> counter{0};
  return prefix + std::to_string(getpid()) + "-" + std::to_string(++counter);
}

}  // namespace chorus_test
