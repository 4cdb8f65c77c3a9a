// The stream "numbers" of the test taps: records of one integer property, n. What a tap syncs
// of it, and when it writes STATE, is up to that tap's subclass.
#pragma once

#include <cstdint>
#include <string>

#include "chorus/plugin/entry.h"

namespace chorus::test {

class NumbersStream : public chorus::Stream {
 public:
  std::string name() const override { return "numbers"; }
  nlohmann::json schema() const override {
    return {{"type", "object"}, {"properties", {{"n", {{"type", "integer"}}}}}};
  }

 protected:
  // Writes the RECORD {"n": n}; counting it (and so the stop check) is the caller's, in its
  // own order.
  static void write_number(chorus::StreamSync &sync, std::int64_t n) {
    sync.out().begin_record(sync.stream());
    sync.out().add_int("n", n);
    sync.out().end_record();
  }
};

}  // namespace chorus::test
