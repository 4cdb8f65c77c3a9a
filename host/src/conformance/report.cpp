#include "conformance/report.h"

#include <iostream>

namespace chorus::host::conformance {

void Report::pass(const std::string &check, const std::string &detail) {
  entries_.push_back({"PASS", check, detail});
}

void Report::fail(const std::string &check, const std::string &detail) {
  entries_.push_back({"FAIL", check, detail});
  ++failures_;
}

void Report::skip(const std::string &check, const std::string &why) {
  entries_.push_back({"SKIP", check, why});
}

void Report::print() const {
  std::cout << "conformance of " << plugin_ << "\n";
  int passed = 0;
  int skipped = 0;
  for (const auto &entry : entries_) {
    std::cout << "  " << entry.status << "  " << entry.check;
    if (!entry.detail.empty()) std::cout << "\n          " << entry.detail;
    std::cout << "\n";
    passed += entry.status == "PASS";
    skipped += entry.status == "SKIP";
  }
  std::cout << passed << " passed, " << failures_ << " failed, " << skipped << " skipped\n";
}

}  // namespace chorus::host::conformance
