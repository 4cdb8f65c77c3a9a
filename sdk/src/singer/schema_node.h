// A JSON Schema compiled into checks RecordValidator runs (schema_compile.cpp, validator.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "chorus/singer/decimal.h"

namespace chorus::singer::detail {

// JSON Schema "type" names as bits; "number" also admits integers.
enum TypeBit : std::uint8_t {
  kTypeNull = 1,
  kTypeBoolean = 2,
  kTypeInteger = 4,
  kTypeNumber = 8,
  kTypeString = 16,
  kTypeObject = 32,
  kTypeArray = 64,
};
constexpr std::uint8_t kAnyType = 127;

enum class StringFormat : std::uint8_t { None, DateTime, Date, Time };

struct SchemaProperty;

// A numeric keyword: its double decides comparisons that are clear by a wide margin, its exact
// decimal the close ones.
struct NumberBound {
  double approximate = 0;
  Decimal exact;
  std::string text;  // as messages show it
  // The bound when it is an integer in int64's range: an integer value is compared with it in
  // one step (a tap's integer columns carry their type's range as bounds).
  std::optional<std::int64_t> integer;
};

struct SchemaNode {
  std::uint8_t types = kAnyType;
  StringFormat format = StringFormat::None;
  std::string format_name;

  std::optional<nlohmann::json> enum_values;  // an array; "const" is stored as one item
  std::optional<NumberBound> minimum, maximum, exclusive_minimum, exclusive_maximum;
  std::optional<NumberBound> multiple_of;             // positive
  std::optional<std::size_t> min_length, max_length;  // in code points
  // "pattern", searched (not anchored) in the string as ECMAScript regular expressions are;
  // shared so that copies of a node share one compiled expression.
  std::shared_ptr<const std::regex> pattern;
  std::string pattern_text;

  std::vector<SchemaProperty> properties;
  // Open-addressing table of property indices + 1 (0: empty slot), sized a power of two.
  // nlohmann::json keeps object keys sorted, so the schema's own order is lost and records
  // rarely list properties in that order: a lookup per field has to be cheap.
  std::vector<std::uint32_t> property_slots;
  std::size_t required_count = 0;
  bool additional_allowed = true;
  std::unique_ptr<SchemaNode> additional;  // "additionalProperties" as a schema
  std::unique_ptr<SchemaNode> items;
  std::vector<SchemaNode> any_of;
  std::vector<SchemaNode> all_of;  // each must hold
  std::vector<SchemaNode> one_of;  // exactly one must hold
  // True when a scalar value is checked for its type only (and a string for its format): what
  // nearly every property of a tap's schema asks, answered on a short path.
  bool types_only = false;

  // True when an object value must be opened to check it.
  bool checks_object_content() const {
    return !properties.empty() || !additional_allowed || additional != nullptr;
  }

  // Index of the property called `name`, or npos.
  std::size_t find_property(std::string_view name) const;
  // Builds property_slots; called once the properties are final.
  void index_properties();
};

struct SchemaProperty {
  std::string name;
  SchemaNode node;
  std::size_t required_index = static_cast<std::size_t>(-1);  // position among required ones

  bool required() const { return required_index != static_cast<std::size_t>(-1); }
};

// Compiles `schema`; keywords chorus does not check are ignored, as JSON Schema says. "$ref"s
// into the same document ("#/definitions/x", "#/$defs/x") are followed.
SchemaNode compile_schema(const nlohmann::json &schema);
// The TypeBits of `schema`'s "type" keyword (kAnyType without one; "number" admits integers).
std::uint8_t declared_types(const nlohmann::json &schema);

}  // namespace chorus::singer::detail
