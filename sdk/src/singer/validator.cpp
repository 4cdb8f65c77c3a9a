// RecordValidator: checks a RecordView against a compiled schema without allocating while the
// record is valid. Nested objects and arrays (rare in Singer records) are opened by parsing
// their raw text.
#include "chorus/singer/validator.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "chorus/singer/decimal.h"
#include "chorus/singer/writer.h"
#include "singer/ondemand_value.h"
#include "singer/schema_node.h"
#include "singer/text_formats.h"
#include "singer/word_scan.h"

namespace chorus::singer {

namespace {

using detail::SchemaNode;
using detail::SchemaProperty;
namespace ondemand = simdjson::ondemand;

constexpr std::size_t kNoIndex = static_cast<std::size_t>(-1);

// The path from the record to the value being checked, as a chain on the stack; it becomes a
// string only when there is a violation to report.
struct PathLink {
  const PathLink *parent;
  std::string_view name;         // a property name, or empty for an array item
  std::size_t index = kNoIndex;  // the array item's position
};

std::string path_string(const PathLink *link) {
  std::vector<const PathLink *> links;
  for (; link != nullptr; link = link->parent) links.push_back(link);
  std::string out;
  for (auto it = links.rbegin(); it != links.rend(); ++it) {
    if ((*it)->index != kNoIndex) {
      out += "[" + std::to_string((*it)->index) + "]";
    } else {
      if (!out.empty()) out += '.';
      out += (*it)->name;
    }
  }
  return out;
}

// A short, quoted form of a string for messages; cut at a character boundary.
std::string quoted(std::string_view text) {
  constexpr std::size_t kMaxShown = 60;
  bool cut = false;
  if (text.size() > kMaxShown) {
    std::size_t end = kMaxShown;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    text = text.substr(0, end);
    cut = true;
  }
  std::string out;
  append_json_string(out, text);
  if (cut) out.insert(out.size() - 1, "...");
  return out;
}

std::string describe(const Value &value) {
  switch (value.kind) {
    case ValueKind::Null:
      return "null";
    case ValueKind::Boolean:
      return "boolean " + std::string(value.text);
    case ValueKind::Number:
      return "number " + std::string(value.text.substr(0, 60));
    case ValueKind::String:
      return "string " + quoted(value.text);
    case ValueKind::Object:
      return "object";
    case ValueKind::Array:
      return "array";
  }
  return "value";
}

std::string expected_types(std::uint8_t types) {
  std::vector<const char *> names;
  if ((types & detail::kTypeNumber) != 0) {
    names.push_back("number");
  } else if ((types & detail::kTypeInteger) != 0) {
    names.push_back("integer");
  }
  if ((types & detail::kTypeString) != 0) names.push_back("string");
  if ((types & detail::kTypeBoolean) != 0) names.push_back("boolean");
  if ((types & detail::kTypeObject) != 0) names.push_back("object");
  if ((types & detail::kTypeArray) != 0) names.push_back("array");
  if ((types & detail::kTypeNull) != 0) names.push_back("null");
  if (names.empty()) return "no value at all";
  std::string out = names[0];
  for (std::size_t i = 1; i < names.size(); ++i) {
    out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

Violation violation(const PathLink *path, const char *rule, std::string detail) {
  return Violation{path_string(path), rule, std::move(detail)};
}

// A JSON number is an integer when it has no exponent and its fraction, if any, is all zeros.
// One pass, no search for the point first: most numbers are a few digits.
bool is_integral(std::string_view number) {
  bool in_fraction = false;
  for (const char c : number) {
    if (c == 'e' || c == 'E') return false;
    if (c == '.') {
      in_fraction = true;
    } else if (in_fraction && c != '0') {
      return false;
    }
  }
  return true;
}

double to_double(std::string_view number) {
  double value = 0;
  const auto result = std::from_chars(number.data(), number.data() + number.size(), value);
  if (result.ec == std::errc::result_out_of_range) {
    // Beyond double's range: what matters for comparisons is "huge" or "tiny".
    const std::size_t exponent = number.find_first_of("eE");
    const bool tiny = exponent != std::string_view::npos && exponent + 1 < number.size() &&
                      number[exponent + 1] == '-';
    const bool negative = !number.empty() && number[0] == '-';
    if (tiny) return negative ? -0.0 : 0.0;
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  }
  return value;
}

std::uint8_t value_types(const Value &value) {
  switch (value.kind) {
    case ValueKind::Null:
      return detail::kTypeNull;
    case ValueKind::Boolean:
      return detail::kTypeBoolean;
    case ValueKind::Number:
      return is_integral(value.text) ? (detail::kTypeInteger | detail::kTypeNumber)
                                     : detail::kTypeNumber;
    case ValueKind::String:
      return detail::kTypeString;
    case ValueKind::Object:
      return detail::kTypeObject;
    case ValueKind::Array:
      return detail::kTypeArray;
  }
  return 0;
}

std::size_t code_points(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

bool enum_matches(const nlohmann::json &candidate, const Value &value) {
  switch (value.kind) {
    case ValueKind::Null:
      return candidate.is_null();
    case ValueKind::Boolean:
      return candidate.is_boolean() && candidate.get<bool>() == (value.text == "true");
    case ValueKind::String:
      return candidate.is_string() && candidate.get_ref<const std::string &>() == value.text;
    case ValueKind::Number:
      if (!candidate.is_number()) return false;
      if (const auto wanted = decimal_of(candidate)) {
        const auto got = parse_decimal(value.text);
        return got && compare(*got, *wanted) == 0;
      }
      return false;
    case ValueKind::Object:
    case ValueKind::Array:
      return candidate == nlohmann::json::parse(value.text, nullptr, false);
  }
  return false;
}

// -1, 0 or 1 as the JSON number `number` is below, at or above `bound`. A double decides when
// the two differ by far more than rounding either of them could explain; closer calls (and
// every number beyond double's range near the bound) are decided on the exact decimals.
int compare_to_bound(std::string_view number, const detail::NumberBound &bound) {
  if (bound.integer) {
    std::int64_t whole = 0;
    const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), whole);
    if (error == std::errc() && end == number.data() + number.size()) {
      return whole < *bound.integer ? -1 : whole > *bound.integer ? 1 : 0;
    }
  }
  const double value = to_double(number);
  if (std::isinf(value)) return value > 0 ? 1 : -1;
  const double margin = 1e-12 * std::max(std::fabs(value), std::fabs(bound.approximate));
  if (value < bound.approximate - margin) return -1;
  if (value > bound.approximate + margin) return 1;
  const std::optional<Decimal> exact = parse_decimal(number);
  if (!exact) return value < bound.approximate ? -1 : value > bound.approximate ? 1 : 0;
  return compare(*exact, bound.exact);
}

// Whether a plain decimal ("-12.340") is a multiple of a step of 10^-k (0.01, the step a
// numeric(p,2) column gives): exactly when it has at most k digits after the point, trailing
// zeros aside. nullopt for other numbers and steps, which the general rule answers.
std::optional<bool> multiple_of_decimal_step(std::string_view number, const Decimal &step) {
  if (step.negative || step.digits != "1" || step.exponent >= 0) return std::nullopt;
  const std::optional<DecimalDigits> digits = plain_decimal_digits(number);
  if (!digits) return std::nullopt;
  return digits->scale <= -step.exponent;
}

bool is_multiple(std::string_view number, const detail::NumberBound &step) {
  if (const std::optional<bool> answer = multiple_of_decimal_step(number, step.exact)) {
    return *answer;
  }
  // Integers against an integral step: in 64-bit arithmetic when they fit.
  const double divisor = step.approximate;
  if (is_integral(number) && std::floor(divisor) == divisor && divisor < 9.0e15 &&
      step.exact.is_integer()) {
    std::int64_t whole = 0;
    const std::string_view digits = number.substr(0, number.find('.'));
    const auto result = std::from_chars(digits.data(), digits.data() + digits.size(), whole);
    if (result.ec == std::errc() && result.ptr == digits.data() + digits.size()) {
      return whole % static_cast<std::int64_t>(divisor) == 0;
    }
  }
  const std::optional<Decimal> exact = parse_decimal(number);
  return exact && is_multiple_of(*exact, step.exact);
}

std::optional<Violation> check_value(const SchemaNode &node, const Value &value,
                                     const PathLink *path);

// Checks the properties of one object, fed one field at a time.
class ObjectCheck {
 public:
  // `undeclared`, when given, collects the names of fields the schema does not declare.
  // `guesses`, when given, holds for each field position the property index found there in
  // the previous object, and is updated: the records of a stream nearly always list their
  // fields in one order, so one name comparison replaces a hash lookup.
  ObjectCheck(const SchemaNode &node, const PathLink *path,
              std::vector<std::string_view> *undeclared = nullptr,
              std::vector<std::size_t> *guesses = nullptr)
      : node_(node), path_(path), undeclared_(undeclared), guesses_(guesses) {
    if (node.required_count > kSmallRequired) large_seen_.resize(node.required_count);
  }

  std::optional<Violation> field(const Field &field) {
    const auto &properties = node_.properties;
    const std::size_t index = property_index(field.name);
    if (index == kNoIndex) {
      if (undeclared_ != nullptr) undeclared_->push_back(field.name);
      const PathLink link{path_, field.name};
      if (!node_.additional_allowed) {
        return violation(&link, "additionalProperties",
                         "the schema does not declare this property and sets "
                         "additionalProperties to false");
      }
      if (node_.additional) return check_value(*node_.additional, field.value, &link);
      return std::nullopt;
    }
    const SchemaProperty &property = properties[index];
    if (property.required()) mark_required(property.required_index);
    const PathLink link{path_, property.name};
    return check_value(property.node, field.value, &link);
  }

  std::optional<Violation> finish() const {
    if (required_seen_ == node_.required_count) return std::nullopt;
    for (const SchemaProperty &property : node_.properties) {
      if (property.required() && !is_seen(property.required_index)) {
        const PathLink link{path_, property.name};
        return violation(&link, "required", "required property is missing");
      }
    }
    return std::nullopt;
  }

 private:
  static constexpr std::size_t kSmallRequired = 256;

  std::size_t property_index(std::string_view name) {
    const std::size_t position = position_++;
    if (guesses_ == nullptr) return node_.find_property(name);
    if (position < guesses_->size()) {
      const std::size_t guess = (*guesses_)[position];
      if (guess < node_.properties.size() &&
          word_scan::same_text(node_.properties[guess].name, name)) {
        return guess;
      }
    } else {
      guesses_->resize(position + 1, kNoIndex);
    }
    const std::size_t index = node_.find_property(name);
    (*guesses_)[position] = index;
    return index;
  }

  bool is_seen(std::size_t index) const {
    if (index >= kSmallRequired) return large_seen_[index];
    return (small_seen_[index / 64] >> (index % 64) & 1U) != 0;
  }

  void mark_required(std::size_t index) {
    if (is_seen(index)) return;  // a repeated key counts once
    if (index >= kSmallRequired) {
      large_seen_[index] = true;
    } else {
      small_seen_[index / 64] |= std::uint64_t{1} << (index % 64);
    }
    ++required_seen_;
  }

  const SchemaNode &node_;
  const PathLink *path_;
  std::vector<std::string_view> *undeclared_;
  std::vector<std::size_t> *guesses_;
  std::size_t position_ = 0;  // of the next field
  std::size_t required_seen_ = 0;
  std::uint64_t small_seen_[kSmallRequired / 64] = {};
  std::vector<bool> large_seen_;  // only for schemas with very many required properties
};

std::optional<Violation> check_nested(const SchemaNode &node, const Value &value,
                                      const PathLink *path) {
  const simdjson::padded_string padded(value.text);
  ondemand::parser parser;
  ondemand::document document;
  if (parser.iterate(padded).get(document) != simdjson::SUCCESS) {
    return violation(path, "type", "the value is not valid JSON");
  }
  const auto malformed = [&] { return violation(path, "type", "the value is not valid JSON"); };
  if (value.kind == ValueKind::Object) {
    ondemand::object object;
    if (document.get_object().get(object) != simdjson::SUCCESS) return malformed();
    ObjectCheck check(node, path);
    for (auto entry : object) {
      ondemand::field field;
      Field item;
      if (std::move(entry).get(field) != simdjson::SUCCESS ||
          detail::read_key(field, padded.data() + padded.size(), item.name) != simdjson::SUCCESS ||
          detail::read_value(field.value(), item.value) != simdjson::SUCCESS) {
        return malformed();
      }
      if (auto broken = check.field(item)) return broken;
    }
    return check.finish();
  }
  ondemand::array array;
  if (document.get_array().get(array) != simdjson::SUCCESS) return malformed();
  std::size_t index = 0;
  for (auto entry : array) {
    ondemand::value element;
    Value item;
    // NOLINTNEXTLINE(performance-move-const-arg): simdjson_result::get is rvalue-qualified.
    if (std::move(entry).get(element) != simdjson::SUCCESS ||
        detail::read_value(element, item) != simdjson::SUCCESS) {
      return malformed();
    }
    const PathLink link{path, {}, index++};
    if (auto broken = check_value(*node.items, item, &link)) return broken;
  }
  return std::nullopt;
}

std::optional<Violation> check_string(const SchemaNode &node, const Value &value,
                                      const PathLink *path) {
  // A text has at least a quarter as many characters as bytes (UTF-8 takes 1 to 4 a
  // character) and at most as many: a text that meets its bounds either way is not counted.
  const std::size_t bytes = value.text.size();
  if ((node.min_length && bytes / 4 < *node.min_length) ||
      (node.max_length && bytes > *node.max_length)) {
    const std::size_t length = code_points(value.text);
    if (node.min_length && length < *node.min_length) {
      return violation(path, "minLength",
                       "expected at least " + std::to_string(*node.min_length) +
                           " characters, got " + std::to_string(length));
    }
    if (node.max_length && length > *node.max_length) {
      return violation(path, "maxLength",
                       "expected at most " + std::to_string(*node.max_length) +
                           " characters, got " + std::to_string(length));
    }
  }
  if (node.pattern && !std::regex_search(value.text.begin(), value.text.end(), *node.pattern)) {
    return violation(path, "pattern", "expected text matching " + node.pattern_text);
  }
  bool well_formed = true;
  const char *example = "";
  switch (node.format) {
    case detail::StringFormat::None:
      break;
    case detail::StringFormat::DateTime:
      well_formed = detail::is_rfc3339_date_time(value.text);
      example = "2024-05-01T12:30:00Z";
      break;
    case detail::StringFormat::Date:
      well_formed = detail::is_rfc3339_date(value.text);
      example = "2024-05-01";
      break;
    case detail::StringFormat::Time:
      well_formed = detail::is_rfc3339_time(value.text);
      example = "12:30:00";
      break;
  }
  if (!well_formed) {
    return violation(path, "format",
                     "expected a " + node.format_name + " (RFC 3339, e.g. " + example + "), got " +
                         describe(value));
  }
  return std::nullopt;
}

std::optional<Violation> check_number(const SchemaNode &node, const Value &value,
                                      const PathLink *path) {
  if (node.minimum && compare_to_bound(value.text, *node.minimum) < 0) {
    return violation(path, "minimum",
                     "expected at least " + node.minimum->text + ", got " + describe(value));
  }
  if (node.maximum && compare_to_bound(value.text, *node.maximum) > 0) {
    return violation(path, "maximum",
                     "expected at most " + node.maximum->text + ", got " + describe(value));
  }
  if (node.exclusive_minimum && compare_to_bound(value.text, *node.exclusive_minimum) <= 0) {
    return violation(
        path, "exclusiveMinimum",
        "expected more than " + node.exclusive_minimum->text + ", got " + describe(value));
  }
  if (node.exclusive_maximum && compare_to_bound(value.text, *node.exclusive_maximum) >= 0) {
    return violation(
        path, "exclusiveMaximum",
        "expected less than " + node.exclusive_maximum->text + ", got " + describe(value));
  }
  if (node.multiple_of && !is_multiple(value.text, *node.multiple_of)) {
    return violation(
        path, "multipleOf",
        "expected a multiple of " + node.multiple_of->text + ", got " + describe(value));
  }
  return std::nullopt;
}

// Whether `types` admit `value`: any number where "number" is declared, without a look at its
// digits.
bool admits_type(std::uint8_t types, const Value &value) {
  if (value.kind == ValueKind::Number && (types & detail::kTypeNumber) != 0) return true;
  return (types & value_types(value)) != 0;
}

std::optional<Violation> check_value(const SchemaNode &node, const Value &value,
                                     const PathLink *path) {
  if (node.types_only && admits_type(node.types, value)) {
    switch (value.kind) {
      case ValueKind::String:
        if (node.format == detail::StringFormat::None) return std::nullopt;
        return check_string(node, value, path);
      case ValueKind::Number:
      case ValueKind::Null:
      case ValueKind::Boolean:
        return std::nullopt;
      case ValueKind::Object:
      case ValueKind::Array:
        break;  // their content may have checks of its own
    }
  }
  if (!node.any_of.empty()) {
    bool matched = false;
    std::uint8_t types = 0;
    for (const SchemaNode &alternative : node.any_of) {
      types |= alternative.types;
      if (!check_value(alternative, value, path)) {
        matched = true;
        break;
      }
    }
    if (!matched) {
      return violation(path, "anyOf",
                       "matches none of the anyOf schemas (expected " + expected_types(types) +
                           "), got " + describe(value));
    }
  }
  for (const SchemaNode &part : node.all_of) {
    if (auto broken = check_value(part, value, path)) return broken;
  }
  if (!node.one_of.empty()) {
    std::size_t matches = 0;
    for (const SchemaNode &choice : node.one_of) matches += !check_value(choice, value, path);
    if (matches != 1) {
      return violation(path, "oneOf",
                       "matches " + std::to_string(matches) + " of the " +
                           std::to_string(node.one_of.size()) +
                           " oneOf schemas, exactly one must match; got " + describe(value));
    }
  }
  if (!admits_type(node.types, value)) {
    return violation(path, "type",
                     "expected " + expected_types(node.types) + ", got " + describe(value));
  }
  if (node.enum_values) {
    bool listed = false;
    for (const nlohmann::json &candidate : *node.enum_values) {
      if (enum_matches(candidate, value)) {
        listed = true;
        break;
      }
    }
    if (!listed) {
      std::string choices = node.enum_values->dump();
      if (choices.size() > 120) choices = choices.substr(0, 117) + "...";
      return violation(path, "enum", "expected one of " + choices + ", got " + describe(value));
    }
  }
  switch (value.kind) {
    case ValueKind::String:
      return check_string(node, value, path);
    case ValueKind::Number:
      return check_number(node, value, path);
    case ValueKind::Object:
      if (node.checks_object_content()) return check_nested(node, value, path);
      return std::nullopt;
    case ValueKind::Array:
      if (node.items) return check_nested(node, value, path);
      return std::nullopt;
    case ValueKind::Null:
    case ValueKind::Boolean:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::string Violation::to_string() const {
  const std::string subject = property.empty() ? "record" : "property '" + property + "'";
  return subject + " breaks '" + rule + "': " + detail;
}

struct RecordValidator::Impl {
  SchemaNode root;
  std::vector<std::size_t> guesses;  // property index per field position, last record
};

RecordValidator::RecordValidator(const nlohmann::json &schema)
    : impl_(std::make_unique<Impl>(Impl{detail::compile_schema(schema), {}})) {}

RecordValidator::~RecordValidator() = default;
RecordValidator::RecordValidator(RecordValidator &&) noexcept = default;
RecordValidator &RecordValidator::operator=(RecordValidator &&) noexcept = default;

std::optional<Violation> RecordValidator::validate(const RecordView &record,
                                                   std::vector<std::string_view> *undeclared) {
  ObjectCheck check(impl_->root, nullptr, undeclared, &impl_->guesses);
  for (const Field &field : record.fields) {
    if (auto broken = check.field(field)) return broken;
  }
  return check.finish();
}

namespace {

bool is_type_name(const nlohmann::json &name) {
  static const char *const kNames[] = {"null",   "boolean", "integer", "number",
                                       "string", "object",  "array"};
  if (!name.is_string()) return false;
  for (const char *known : kNames) {
    if (name.get_ref<const std::string &>() == known) return true;
  }
  return false;
}

// The first bad "type" in `schema` or its sub-schemas, as "<path>: <problem>", or "".
std::string type_problem(const nlohmann::json &schema, const std::string &path, int depth) {
  if (schema.is_boolean()) return {};
  if (!schema.is_object()) return path + " is not a schema (an object or true/false)";
  if (depth > 64) return {};
  if (const auto type = schema.find("type"); type != schema.end()) {
    bool ok = is_type_name(*type);
    if (type->is_array()) {
      ok = !type->empty();
      for (const auto &name : *type) ok = ok && is_type_name(name);
    }
    if (!ok) {
      return path + " has \"type\": " + type->dump() +
             ", which is not a JSON Schema type (null, boolean, integer, number, string, "
             "object, array or a list of them)";
    }
  }
  if (const auto properties = schema.find("properties"); properties != schema.end()) {
    if (!properties->is_object()) return path + " has \"properties\" that is not an object";
    for (const auto &[name, sub] : properties->items()) {
      if (auto problem = type_problem(sub, path + "." + name, depth + 1); !problem.empty()) {
        return problem;
      }
    }
  }
  for (const char *keyword : {"items", "additionalProperties"}) {
    if (const auto sub = schema.find(keyword); sub != schema.end() && sub->is_object()) {
      if (auto problem = type_problem(*sub, path + "." + keyword, depth + 1); !problem.empty()) {
        return problem;
      }
    }
  }
  for (const char *keyword : {"anyOf", "oneOf", "allOf"}) {
    if (const auto list = schema.find(keyword); list != schema.end() && list->is_array()) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string where = path + "." + keyword + "[" + std::to_string(i) + "]";
        if (auto problem = type_problem((*list)[i], where, depth + 1); !problem.empty()) {
          return problem;
        }
      }
    }
  }
  return {};
}

}  // namespace

std::string stream_schema_problem(const nlohmann::json &schema) {
  if (!schema.is_object()) return "the schema is not a JSON object";
  if (const auto type = schema.find("type"); type != schema.end()) {
    const bool object = (type->is_string() && *type == "object") ||
                        (type->is_array() && std::find(type->begin(), type->end(),
                                                       nlohmann::json("object")) != type->end());
    if (!object && is_type_name(*type)) {
      return "the schema's \"type\" is " + type->dump() + "; a stream's records are objects";
    }
  }
  const auto properties = schema.find("properties");
  if (properties == schema.end() || !properties->is_object()) {
    return "the schema has no \"properties\" object, so no property of a record could be "
           "stored; declare the stream's properties";
  }
  return type_problem(schema, "the schema", 0);
}

}  // namespace chorus::singer
