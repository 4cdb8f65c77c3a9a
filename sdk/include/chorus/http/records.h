// Finding records in a response body, and guessing a schema from them.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace chorus::http {

// The value at `path` in `document`, or nullptr when absent. `path` is a JSON pointer
// ("/data/items", "" for the whole document) or a simple JSONPath ("$", "$.data.items",
// "$['data']"). Throws ConfigError on a path that is neither.
const nlohmann::json *find_path(const nlohmann::json &document, const std::string &path);

// The records of a page: the array at `path` (its elements), or the object at `path` (one
// record). "[*]" at the end of a JSONPath ("$.data[*]") is accepted and means the same. Absent
// or null: no records. Throws chorus::FatalError when the value is neither array nor object, or
// an element of the array is not an object.
nlohmann::json extract_records(const nlohmann::json &document, const std::string &path);

// Whether `document` has a non-null value at the records path `path` (as extract_records reads
// it): false means the path matches nothing, which is how a mistyped records_path shows.
bool has_records_path(const nlohmann::json &document, const std::string &path);

// A JSON Schema covering every record of `records` (an array of objects): each property typed by
// the values seen ("integer", "number", "string", "boolean", "object", "array"), always
// nullable, since a later page may omit it. Nested objects are described property by property;
// arrays get no "items". A property seen with two types accepts any value.
nlohmann::json infer_schema(const nlohmann::json &records);

}  // namespace chorus::http
