// A Node.js stand-in for a cloud API (tests/redshift/redshift_api_server.js,
// tests/snowflake/sql_api_server.js), started for one test and stopped with it. Such a script
// takes the path of a JSON-lines log as its first argument and appends each request it accepts
// to it, prints the port it listens on (127.0.0.1) as its first line, and exits when its
// standard input closes, so it never outlives the test process.
#pragma once

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace chorus::testing {

class NodeStandinServer {
 public:
  // Runs `node <script> <log> <arguments...>`, the log being a new file in the build tree named
  // after `log_stem`, and waits for the port. `what` names the server when it does not start.
  NodeStandinServer(const std::string &script, const std::string &log_stem,
                    const std::vector<std::string> &arguments, const std::string &what)
      : log_(std::string(CHORUS_BINARY_DIR) + "/" + log_stem + ".jsonl") {
    // Everything the child needs is made before the fork: it only redirects and execs.
    std::vector<std::string> words{"node", script, log_};
    words.insert(words.end(), arguments.begin(), arguments.end());
    std::vector<char *> argv;
    for (std::string &word : words) argv.push_back(word.data());
    argv.push_back(nullptr);
    int out[2], in[2];
    REQUIRE(pipe(out) == 0);
    REQUIRE(pipe(in) == 0);
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      dup2(out[1], 1);
      dup2(in[0], 0);
      close(out[0]);
      close(in[1]);
      execvp("node", argv.data());
      _exit(127);
    }
    close(out[1]);
    close(in[0]);
    stdin_ = in[1];
    std::string port;
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') port.push_back(c);
    close(out[0]);
    REQUIRE_MESSAGE(!port.empty(), (what + " did not start (is node installed?)"));
    url_ = "http://127.0.0.1:" + port;
  }
  ~NodeStandinServer() {
    close(stdin_);
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    unlink(log_.c_str());
  }
  NodeStandinServer(const NodeStandinServer &) = delete;
  NodeStandinServer &operator=(const NodeStandinServer &) = delete;

  // "http://127.0.0.1:<port>"
  const std::string &url() const { return url_; }

  // The requests the server accepted so far, oldest first, as the script logged them.
  std::vector<nlohmann::json> requests() const {
    std::vector<nlohmann::json> out;
    std::ifstream in(log_);
    for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
    return out;
  }

 private:
  pid_t pid_ = -1;
  int stdin_ = -1;
  std::string log_;
  std::string url_;
};

}  // namespace chorus::testing
