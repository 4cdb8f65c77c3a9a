// The conformance report: named checks, each passed, failed or skipped, with a detail line.
#pragma once

#include <string>
#include <vector>

namespace chorus::host::conformance {

class Report {
 public:
  explicit Report(std::string plugin) : plugin_(std::move(plugin)) {}
  void pass(const std::string &check, const std::string &detail = {});
  void fail(const std::string &check, const std::string &detail);
  void skip(const std::string &check, const std::string &why);
  bool failed() const { return failures_ > 0; }
  // Prints every check and a closing count line on stdout.
  void print() const;

 private:
  struct Entry {
    std::string status;
    std::string check;
    std::string detail;
  };
  std::string plugin_;
  std::vector<Entry> entries_;
  int failures_ = 0;
};

}  // namespace chorus::host::conformance
