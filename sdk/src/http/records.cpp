#include "chorus/http/records.h"

#include <cctype>
#include <vector>

#include "chorus/plugin/errors.h"

namespace chorus::http {
namespace {

// One step into a document: an object member, or an array index when `index` >= 0.
struct Step {
  std::string name;
  long index = -1;
};

std::vector<Step> parse_json_pointer(const std::string &path) {
  try {
    nlohmann::json::json_pointer pointer(path);
    std::vector<Step> steps;
    // Re-split the validated pointer to keep names; "~1"/"~0" are unescaped by the library.
    while (!pointer.empty()) {
      steps.insert(steps.begin(), Step{pointer.back(), -1});
      pointer.pop_back();
    }
    return steps;
  } catch (const nlohmann::json::exception &error) {
    throw ConfigError("'" + path + "' is not a JSON pointer: " + error.what());
  }
}

std::vector<Step> parse_json_path(const std::string &path) {
  auto fail = [&](const std::string &why) -> ConfigError {
    return ConfigError("'" + path + "' is not a supported JSONPath (" + why +
                       "); use $.a.b, $['a'], $.a[0] or a JSON pointer like /a/b");
  };
  std::vector<Step> steps;
  size_t i = 1;  // after '$'
  while (i < path.size()) {
    if (path[i] == '.') {
      size_t end = i + 1;
      while (end < path.size() && path[end] != '.' && path[end] != '[') ++end;
      if (end == i + 1) throw fail("empty name after '.'");
      steps.push_back(Step{path.substr(i + 1, end - i - 1), -1});
      i = end;
    } else if (path[i] == '[') {
      size_t close = path.find(']', i);
      if (close == std::string::npos) throw fail("'[' without ']'");
      std::string inside = path.substr(i + 1, close - i - 1);
      if (inside.size() >= 2 && (inside.front() == '\'' || inside.front() == '"') &&
          inside.back() == inside.front()) {
        steps.push_back(Step{inside.substr(1, inside.size() - 2), -1});
      } else if (!inside.empty() && inside.find_first_not_of("0123456789") == std::string::npos) {
        steps.push_back(Step{inside, std::stol(inside)});
      } else {
        throw fail("'[" + inside + "]' is neither a quoted name nor an index");
      }
      i = close + 1;
    } else {
      throw fail("unexpected '" + std::string(1, path[i]) + "'");
    }
  }
  return steps;
}

std::vector<Step> parse_path(const std::string &path) {
  if (path.empty() || path.front() == '/') return parse_json_pointer(path);
  if (path.front() == '$') return parse_json_path(path);
  throw ConfigError("'" + path + "' is neither a JSON pointer (/a/b) nor a JSONPath ($.a.b)");
}

std::string strip_wildcard(const std::string &path) {
  if (path.size() >= 3 && path.compare(path.size() - 3, 3, "[*]") == 0) {
    return path.substr(0, path.size() - 3);
  }
  return path;
}

}  // namespace

const nlohmann::json *find_path(const nlohmann::json &document, const std::string &path) {
  const nlohmann::json *node = &document;
  for (const Step &step : parse_path(path)) {
    if (node->is_object()) {
      auto found = node->find(step.name);
      if (found == node->end()) return nullptr;
      node = &*found;
    } else if (node->is_array()) {
      long index = step.index;
      if (index < 0 && !step.name.empty() &&
          step.name.find_first_not_of("0123456789") == std::string::npos) {
        index = std::stol(step.name);  // JSON pointer steps into arrays by number
      }
      if (index < 0 || static_cast<size_t>(index) >= node->size()) return nullptr;
      node = &(*node)[static_cast<size_t>(index)];
    } else {
      return nullptr;
    }
  }
  return node;
}

bool has_records_path(const nlohmann::json &document, const std::string &path) {
  const nlohmann::json *found = find_path(document, strip_wildcard(path));
  return found != nullptr && !found->is_null();
}

nlohmann::json extract_records(const nlohmann::json &document, const std::string &path) {
  const nlohmann::json *found = find_path(document, strip_wildcard(path));
  nlohmann::json records = nlohmann::json::array();
  if (found == nullptr || found->is_null()) return records;
  if (found->is_object()) {
    records.push_back(*found);
    return records;
  }
  if (!found->is_array()) {
    throw FatalError("the records path '" + path + "' points at a " + found->type_name() +
                     ", not at an array or object; check records_path");
  }
  for (const auto &element : *found) {
    if (!element.is_object()) {
      throw FatalError("the records path '" + path + "' holds a " +
                       std::string(element.type_name()) +
                       " where a record (an object) was expected; check records_path");
    }
  }
  return *found;
}

}  // namespace chorus::http
