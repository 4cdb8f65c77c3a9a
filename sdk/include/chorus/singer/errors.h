// Errors raised while reading or validating a Singer stream. Header-only.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace chorus::singer {

// The input is not a valid Singer stream: malformed JSON, a missing required key, an unknown
// message type, a RECORD before its SCHEMA, an over-long line. Carries the 1-based line number.
class ProtocolError : public std::runtime_error {
 public:
  ProtocolError(std::uint64_t line_number, const std::string &message)
      : std::runtime_error("line " + std::to_string(line_number) + ": " + message),
        line_number_(line_number) {}
  std::uint64_t line_number() const { return line_number_; }

 private:
  std::uint64_t line_number_;
};

}  // namespace chorus::singer
