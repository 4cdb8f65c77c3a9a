// Validates RECORD messages against their stream's JSON Schema.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "chorus/singer/message.h"

namespace chorus::singer {

struct Violation {
  std::string property;  // dotted path: "customer.address.zip"; empty for the record itself
  std::string rule;      // the JSON Schema keyword broken: "type", "required", "maxLength", ...
  std::string detail;    // e.g. "expected integer or null, got string \"abc\""
  std::string to_string() const;  // "property 'amount' breaks 'type': expected ..."
};

// Compiled once per SCHEMA; validating a record does no allocation when it is valid.
// Supported keywords: type (single or list), properties, required, additionalProperties (false),
// enum, format (date-time, date, time: syntax only), minimum, maximum, maxLength, minLength,
// pattern (std::regex ECMAScript, matching bytes; a pattern it cannot compile is not checked),
// items, anyOf, allOf, oneOf, $ref into the same document (draft 7: the reference replaces
// its schema), multipleOf (integers). Unknown keywords are ignored, as JSON Schema says.
class RecordValidator {
 public:
  explicit RecordValidator(const nlohmann::json &schema);
  ~RecordValidator();
  RecordValidator(RecordValidator &&) noexcept;
  RecordValidator &operator=(RecordValidator &&) noexcept;

  // The first violation found, or nullopt when the record is valid.
  std::optional<Violation> validate(const RecordView &record) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chorus::singer
