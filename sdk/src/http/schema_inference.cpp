#include <map>
#include <set>
#include <string>

#include "chorus/http/records.h"

namespace chorus::http {
namespace {

std::string type_of(const nlohmann::json &value) {
  switch (value.type()) {
    case nlohmann::json::value_t::boolean:
      return "boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return "integer";
    case nlohmann::json::value_t::number_float:
    case nlohmann::json::value_t::binary:  // a decimal kept as its text (exact_json.h)
      return "number";
    case nlohmann::json::value_t::string:
      return "string";
    case nlohmann::json::value_t::object:
      return "object";
    case nlohmann::json::value_t::array:
      return "array";
    default:
      return "null";
  }
}

}  // namespace

nlohmann::json infer_schema(const nlohmann::json &records) {
  // Property name -> the set of JSON types seen, in first-seen property order.
  std::vector<std::string> order;
  std::map<std::string, std::set<std::string>> types;
  std::map<std::string, nlohmann::json> nested;
  for (const auto &record : records) {
    if (!record.is_object()) continue;
    for (const auto &item : record.items()) {
      if (!types.count(item.key())) order.push_back(item.key());
      types[item.key()].insert(type_of(item.value()));
      if (item.value().is_object()) {
        nlohmann::json &sample = nested[item.key()];
        if (sample.is_null()) sample = nlohmann::json::array();
        sample.push_back(item.value());
      }
    }
  }
  nlohmann::json properties = nlohmann::json::object();
  for (const std::string &name : order) {
    std::set<std::string> seen = types[name];
    seen.erase("null");
    // An integer that is sometimes fractional is a number.
    if (seen.count("integer") && seen.count("number")) seen.erase("integer");
    nlohmann::json type_list = nlohmann::json::array({"null"});
    if (seen.size() > 1) {
      // Mixed types: accept anything rather than reject records later.
      properties[name] = nlohmann::json::object();
      continue;
    }
    for (const std::string &type : seen) type_list.push_back(type);
    nlohmann::json property = {{"type", type_list}};
    if (seen.count("object")) {
      nlohmann::json inner = infer_schema(nested[name]);
      property["properties"] = inner["properties"];
    }
    properties[name] = property;
  }
  return {{"type", "object"}, {"properties", properties}};
}

}  // namespace chorus::http
