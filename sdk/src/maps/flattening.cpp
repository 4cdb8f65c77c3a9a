// The SDK's schema flattening: an object property with declared properties becomes one column
// per nested property, named parent__child, down to flattening_max_depth levels; an object or
// array that is not expanded is written as JSON text in a string column.
#include <cctype>

#include "chorus/plugin/errors.h"
#include "maps/stream_maps_impl.h"

namespace chorus::maps {
namespace {

constexpr const char *kSeparator = "__";
// The SDK shortens names from this length on (255 is a common column name limit).
constexpr std::size_t kLongName = 255;

std::string joined(const std::vector<std::string> &parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += kSeparator;
    out += parts[i];
  }
  return out;
}

// The SDK's reduction of one name part: camel-case it as the inflection library does (first
// letter and letters after an underscore upper-cased, those underscores removed), keep what is
// not a lower-case ASCII letter, lower-case that; a result of one character or none is replaced
// by the first three characters of the part.
std::string reduced(const std::string &part) {
  std::string camel;
  for (std::size_t i = 0; i < part.size(); ++i) {
    const char c = part[i];
    if (c == '_' && i + 1 < part.size() &&
        (std::islower(static_cast<unsigned char>(part[i + 1])) ||
         std::isdigit(static_cast<unsigned char>(part[i + 1])))) {
      camel.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(part[++i]))));
      continue;
    }
    if (c == '_' && i + 1 < part.size() && std::isupper(static_cast<unsigned char>(part[i + 1]))) {
      continue;
    }
    camel.push_back(i == 0 ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
  }
  std::string kept;
  for (char c : camel) {
    if (c < 'a' || c > 'z') kept.push_back(c);
  }
  if (kept.size() <= 1) kept = part.substr(0, 3);
  for (char &c : kept) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return kept;
}

bool has_type(const nlohmann::json &schema, const char *type) {
  if (!schema.is_object() || !schema.contains("type")) return false;
  const nlohmann::json &declared = schema["type"];
  if (declared.is_string()) return declared == type;
  if (!declared.is_array()) return false;
  for (const auto &item : declared) {
    if (item == type) return true;
  }
  return false;
}

// The schema of a column holding an object or array as JSON text.
nlohmann::json json_text_schema(const nlohmann::json &schema) {
  if (has_type(schema, "null")) return {{"type", {"string", "null"}}};
  return {{"type", "string"}};
}

void add_column(std::vector<std::pair<std::string, nlohmann::json>> &columns, std::string name,
                nlohmann::json schema) {
  for (const auto &existing : columns) {
    if (existing.first == name) {
      throw ConfigError("flattening makes two columns named '" + name +
                        "' (a property of that name and a flattened nested one); rename one "
                        "with a stream map");
    }
  }
  columns.emplace_back(std::move(name), std::move(schema));
}

bool expandable(const nlohmann::json &schema) {
  return has_type(schema, "object") && schema.contains("properties") &&
         schema["properties"].is_object() && !schema["properties"].empty();
}

void expand(FlatNode &node, std::vector<std::string> &path, const nlohmann::json &schema,
            std::int64_t levels_left,
            std::vector<std::pair<std::string, nlohmann::json>> &columns) {
  for (const auto &[key, child_schema] : schema["properties"].items()) {
    path.push_back(key);
    FlatNode child;
    child.key = key;
    child.column = flattened_column(path);
    if (expandable(child_schema) && levels_left > 0) {
      expand(child, path, child_schema, levels_left - 1, columns);
    } else if (has_type(child_schema, "object") || has_type(child_schema, "array")) {
      add_column(columns, child.column, json_text_schema(child_schema));
    } else {
      add_column(columns, child.column, child_schema);
    }
    node.children.push_back(std::move(child));
    path.pop_back();
  }
}

}  // namespace

std::string flattened_column(const std::vector<std::string> &path) {
  std::vector<std::string> parts = path;
  for (std::size_t i = 0; i < parts.size() && joined(parts).size() >= kLongName; ++i) {
    parts[i] = reduced(parts[i]);
  }
  return joined(parts);
}

void flatten_property(OutputProperty &property, const nlohmann::json &schema,
                      std::int64_t max_depth,
                      std::vector<std::pair<std::string, nlohmann::json>> &columns) {
  property.depth = static_cast<int>(max_depth);
  if (expandable(schema) && max_depth > 0) {
    FlatNode root;
    std::vector<std::string> path{property.name};
    expand(root, path, schema, max_depth - 1, columns);
    property.children = std::move(root.children);
    return;
  }
  if (has_type(schema, "object") || has_type(schema, "array")) {
    property.json_text = true;
    add_column(columns, property.name, json_text_schema(schema));
    return;
  }
  add_column(columns, property.name, schema);
}

}  // namespace chorus::maps
