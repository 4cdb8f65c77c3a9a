// Compiling a JSON Schema into SchemaNode checks.
#include <limits>

#include "singer/schema_node.h"

namespace chorus::singer::detail {

namespace {

using nlohmann::json;

std::uint8_t type_bit(const std::string &name) {
  if (name == "null") return kTypeNull;
  if (name == "boolean") return kTypeBoolean;
  if (name == "integer") return kTypeInteger;
  if (name == "number") return kTypeNumber | kTypeInteger;
  if (name == "string") return kTypeString;
  if (name == "object") return kTypeObject;
  if (name == "array") return kTypeArray;
  return 0;
}

std::optional<NumberBound> number_keyword(const json &schema, const char *key) {
  const auto it = schema.find(key);
  if (it == schema.end() || !it->is_number()) return std::nullopt;
  std::optional<Decimal> exact = decimal_of(*it);
  if (!exact) return std::nullopt;
  NumberBound bound{it->get<double>(), *exact, it->dump(), std::nullopt};
  constexpr auto kLargest = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (it->is_number_integer() &&
      (!it->is_number_unsigned() || it->get<std::uint64_t>() <= kLargest)) {
    bound.integer = it->get<std::int64_t>();
  }
  return bound;
}

std::optional<std::size_t> length_keyword(const json &schema, const char *key) {
  const auto it = schema.find(key);
  if (it == schema.end() || !it->is_number_integer() || it->get<std::int64_t>() < 0) {
    return std::nullopt;
  }
  return it->get<std::size_t>();
}

SchemaProperty &property_named(SchemaNode &node, const std::string &name) {
  for (SchemaProperty &property : node.properties) {
    if (property.name == name) return property;
  }
  SchemaProperty &added = node.properties.emplace_back();
  added.name = name;
  return added;
}

}  // namespace

std::uint8_t declared_types(const json &schema) {
  const auto type = schema.find("type");
  if (type == schema.end()) return kAnyType;
  if (type->is_string()) return type_bit(type->get<std::string>());
  if (!type->is_array()) return kAnyType;
  std::uint8_t types = 0;
  for (const json &name : *type) {
    if (name.is_string()) types |= type_bit(name.get<std::string>());
  }
  return types;
}

namespace {

// Cheap and good enough for property names: length and a few bytes.
std::size_t name_hash(std::string_view name) {
  std::size_t h = name.size() * 0x9E3779B1u;
  if (!name.empty()) {
    h ^= std::size_t{static_cast<unsigned char>(name.front())} * 0x85EBCA77u;
    h ^= std::size_t{static_cast<unsigned char>(name.back())} * 0xC2B2AE3Du;
    h ^= std::size_t{static_cast<unsigned char>(name[name.size() / 2])} * 0x27D4EB2Fu;
  }
  return h ^ (h >> 15);
}

}  // namespace

std::size_t SchemaNode::find_property(std::string_view name) const {
  if (property_slots.empty()) return static_cast<std::size_t>(-1);
  const std::size_t mask = property_slots.size() - 1;
  for (std::size_t slot = name_hash(name) & mask;; slot = (slot + 1) & mask) {
    const std::uint32_t entry = property_slots[slot];
    if (entry == 0) return static_cast<std::size_t>(-1);
    if (properties[entry - 1].name == name) return entry - 1;
  }
}

void SchemaNode::index_properties() {
  property_slots.clear();
  if (properties.empty()) return;
  std::size_t size = 8;
  while (size < properties.size() * 2) size *= 2;  // at most half full: probes stay short
  property_slots.assign(size, 0);
  const std::size_t mask = size - 1;
  for (std::size_t i = 0; i < properties.size(); ++i) {
    std::size_t slot = name_hash(properties[i].name) & mask;
    while (property_slots[slot] != 0) slot = (slot + 1) & mask;
    property_slots[slot] = static_cast<std::uint32_t>(i + 1);
  }
}

namespace {

constexpr int kMaxRefDepth = 32;

// The part of `root` a "#/a/b" reference names, or nullptr.
const json *resolve_local_ref(const json &root, const std::string &ref) {
  if (ref.empty() || ref.front() != '#') return nullptr;
  try {
    const json::json_pointer pointer(ref.substr(1));
    return root.contains(pointer) ? &root.at(pointer) : nullptr;
  } catch (const json::exception &) {
    return nullptr;
  }
}

// Compiles `schema`, a part of `root` (against which "#..." references resolve), `depth` levels
// of references deep.
SchemaNode compile_node(const json &schema, const json &root, int depth) {
  SchemaNode node;
  if (schema.is_boolean()) {
    if (!schema.get<bool>()) node.types = 0;
    return node;
  }
  if (!schema.is_object()) return node;
  if (const auto ref = schema.find("$ref"); ref != schema.end() && ref->is_string()) {
    // Draft 7 (what Singer taps write): the reference replaces the schema it sits in. Only
    // references into this document resolve; others, and cycles deeper than kMaxRefDepth,
    // are left unchecked.
    const json *target = resolve_local_ref(root, ref->get<std::string>());
    if (target == nullptr || depth >= kMaxRefDepth) return node;
    return compile_node(*target, root, depth + 1);
  }

  node.types = declared_types(schema);

  if (const auto format = schema.find("format"); format != schema.end() && format->is_string()) {
    node.format_name = format->get<std::string>();
    if (node.format_name == "date-time") node.format = StringFormat::DateTime;
    if (node.format_name == "date") node.format = StringFormat::Date;
    if (node.format_name == "time") node.format = StringFormat::Time;
  }

  if (const auto values = schema.find("enum"); values != schema.end() && values->is_array()) {
    node.enum_values = *values;
  }
  if (const auto value = schema.find("const"); value != schema.end()) {
    node.enum_values = json::array({*value});
  }

  node.minimum = number_keyword(schema, "minimum");
  node.maximum = number_keyword(schema, "maximum");
  node.exclusive_minimum = number_keyword(schema, "exclusiveMinimum");
  node.exclusive_maximum = number_keyword(schema, "exclusiveMaximum");
  // Draft 4 spells exclusiveness as a boolean next to minimum/maximum.
  if (schema.value("exclusiveMinimum", json()).is_boolean() &&
      schema["exclusiveMinimum"].get<bool>() && node.minimum) {
    node.exclusive_minimum = node.minimum;
    node.minimum.reset();
  }
  if (schema.value("exclusiveMaximum", json()).is_boolean() &&
      schema["exclusiveMaximum"].get<bool>() && node.maximum) {
    node.exclusive_maximum = node.maximum;
    node.maximum.reset();
  }
  node.multiple_of = number_keyword(schema, "multipleOf");
  if (node.multiple_of && (node.multiple_of->exact.is_zero() || node.multiple_of->exact.negative)) {
    node.multiple_of.reset();
  }
  node.min_length = length_keyword(schema, "minLength");
  node.max_length = length_keyword(schema, "maxLength");
  if (const auto pattern = schema.find("pattern");
      pattern != schema.end() && pattern->is_string()) {
    try {
      node.pattern =
          std::make_shared<const std::regex>(pattern->get<std::string>(), std::regex::ECMAScript);
      node.pattern_text = pattern->get<std::string>();
    } catch (const std::regex_error &) {
      // Like any keyword the validator cannot use (lookbehind, \p{...}): left unchecked.
    }
  }

  if (const auto properties = schema.find("properties");
      properties != schema.end() && properties->is_object()) {
    for (const auto &[name, sub_schema] : properties->items()) {
      property_named(node, name).node = compile_node(sub_schema, root, depth);
    }
  }
  if (const auto required = schema.find("required");
      required != schema.end() && required->is_array()) {
    for (const json &name : *required) {
      if (!name.is_string()) continue;
      SchemaProperty &property = property_named(node, name.get<std::string>());
      if (!property.required()) property.required_index = node.required_count++;
    }
  }
  node.index_properties();

  if (const auto additional = schema.find("additionalProperties"); additional != schema.end()) {
    if (additional->is_boolean()) {
      node.additional_allowed = additional->get<bool>();
    } else if (additional->is_object()) {
      node.additional = std::make_unique<SchemaNode>(compile_node(*additional, root, depth));
    }
  }
  if (const auto items = schema.find("items"); items != schema.end() && items->is_object()) {
    node.items = std::make_unique<SchemaNode>(compile_node(*items, root, depth));
  }
  if (const auto all_of = schema.find("allOf"); all_of != schema.end() && all_of->is_array()) {
    for (const json &part : *all_of) node.all_of.push_back(compile_node(part, root, depth));
  }
  if (const auto one_of = schema.find("oneOf"); one_of != schema.end() && one_of->is_array()) {
    for (const json &choice : *one_of) node.one_of.push_back(compile_node(choice, root, depth));
  }
  if (const auto any_of = schema.find("anyOf"); any_of != schema.end() && any_of->is_array()) {
    for (const json &alternative : *any_of)
      node.any_of.push_back(compile_node(alternative, root, depth));
  }
  node.types_only = !node.enum_values && !node.minimum && !node.maximum &&
                    !node.exclusive_minimum && !node.exclusive_maximum && !node.multiple_of &&
                    !node.min_length && !node.max_length && !node.pattern && node.any_of.empty() &&
                    node.all_of.empty() && node.one_of.empty();
  return node;
}

}  // namespace

SchemaNode compile_schema(const json &schema) { return compile_node(schema, schema, 0); }

}  // namespace chorus::singer::detail
