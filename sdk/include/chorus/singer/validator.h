// Validates RECORD messages against their stream's JSON Schema.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
// its schema), multipleOf. minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf
// and numeric enum values are compared exactly on the number's decimal text (decimal.h), so
// 9007199254740993 is above a maximum of 9007199254740992; a schema keyword itself is read as
// nlohmann::json reads it (integers exactly, fractions as the shortest text of their double).
// Unknown keywords are ignored, as JSON Schema says.
class RecordValidator {
 public:
  explicit RecordValidator(const nlohmann::json &schema);
  ~RecordValidator();
  RecordValidator(RecordValidator &&) noexcept;
  RecordValidator &operator=(RecordValidator &&) noexcept;

  // The first violation found, or nullopt when the record is valid. With `undeclared`, the
  // names of the record's top-level properties the schema does not declare are appended to it
  // (their views point into `record`). Not const: it remembers where the last record had
  // each property, so one validator serves one thread at a time.
  std::optional<Violation> validate(const RecordView &record,
                                    std::vector<std::string_view> *undeclared = nullptr);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Why `schema` is not the JSON Schema of a stream's records, or empty when it is: it must be an
// object schema ("type" absent or including "object") with a "properties" object, and every
// "type" in it (properties, items, anyOf, ...) must name JSON Schema types. The Meltano SDK
// refuses the same schemas (its invalid_schema test: {"type": "object"} alone), so that a
// table is never made of metadata columns only.
std::string stream_schema_problem(const nlohmann::json &schema);

}  // namespace chorus::singer
