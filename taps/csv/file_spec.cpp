#include "file_spec.h"

#include <glob.h>

#include <algorithm>
#include <set>

#include "chorus/plugin/errors.h"

namespace chorus::tap_csv {

nlohmann::json file_spec_settings_schema() {
  return {
      {"type", "object"},
      {"additionalProperties", false},
      {"required", {"entity", "path"}},
      {"properties",
       {{"entity", {{"type", "string"}, {"description", "Stream name."}}},
        {"path", {{"type", "string"}, {"description", "A CSV file or a glob pattern."}}},
        {"keys",
         {{"type", "array"},
          {"items", {{"type", "string"}}},
          {"description", "Key properties of the stream."}}},
        {"replication_key",
         {{"type", "string"},
          {"description",
           "Column for incremental replication; rows with a value >= the bookmark are read."}}},
        {"delimiter",
         {{"type", "string"}, {"default", ","}, {"description", "Field delimiter, one byte."}}},
        {"schema",
         {{"type", "object"},
          {"description",
           "Declared JSON Schema of the rows; without it types are inferred from the data."}}}}}};
}

std::vector<FileSpec> parse_file_specs(const nlohmann::json &files) {
  if (!files.is_array() || files.empty()) {
    throw ConfigError(
        "tap-csv: setting `files` must be a non-empty list of "
        "{entity, path, keys, replication_key, delimiter, schema}");
  }
  static const std::set<std::string> known = {"entity",          "path",      "keys",
                                              "replication_key", "delimiter", "schema"};
  std::vector<FileSpec> specs;
  std::set<std::string> entities;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto &entry = files[i];
    std::string where = "tap-csv: files[" + std::to_string(i) + "]";
    if (!entry.is_object()) throw ConfigError(where + " must be an object");
    for (const auto &item : entry.items()) {
      if (known.count(item.key()) == 0) {
        throw ConfigError(where + " has unknown key '" + item.key() +
                          "'; known keys: entity, path, keys, replication_key, delimiter, schema");
      }
    }
    FileSpec spec;
    auto text = [&](const char *key, bool required) {
      if (!entry.contains(key)) {
        if (required) throw ConfigError(where + " needs `" + key + "`");
        return std::string();
      }
      if (!entry[key].is_string()) throw ConfigError(where + "." + key + " must be a string");
      return entry[key].get<std::string>();
    };
    spec.entity = text("entity", true);
    spec.path = text("path", true);
    spec.replication_key = text("replication_key", false);
    if (spec.entity.empty()) throw ConfigError(where + ".entity must not be empty");
    if (!entities.insert(spec.entity).second) {
      throw ConfigError(where + " repeats entity '" + spec.entity +
                        "'; use one entry with a glob pattern to read several files");
    }
    if (entry.contains("keys")) {
      const auto &keys = entry["keys"];
      if (!keys.is_array()) throw ConfigError(where + ".keys must be a list of column names");
      for (const auto &key : keys) {
        if (!key.is_string()) throw ConfigError(where + ".keys must be a list of column names");
        spec.keys.push_back(key.get<std::string>());
      }
    }
    if (entry.contains("delimiter")) {
      std::string delimiter = text("delimiter", false);
      if (delimiter == "\\t") delimiter = "\t";
      if (delimiter.size() != 1 || delimiter == "\"" || delimiter == "\n" || delimiter == "\r") {
        throw ConfigError(where +
                          ".delimiter must be a single byte other than a quote or a "
                          "line break (\"\\t\" for tab)");
      }
      spec.delimiter = delimiter[0];
    }
    if (entry.contains("schema")) {
      const auto &schema = entry["schema"];
      if (!schema.is_object() || !schema.contains("properties") ||
          !schema["properties"].is_object()) {
        throw ConfigError(where + ".schema must be a JSON Schema object with `properties`");
      }
      spec.schema = schema;
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

std::vector<std::string> resolve_files(const FileSpec &spec) {
  glob_t matches{};
  int status = ::glob(spec.path.c_str(), GLOB_NOSORT, nullptr, &matches);
  std::vector<std::string> files;
  if (status == 0) {
    for (std::size_t i = 0; i < matches.gl_pathc; ++i) files.emplace_back(matches.gl_pathv[i]);
  }
  ::globfree(&matches);
  if (status != 0 && status != GLOB_NOMATCH) {
    throw FatalError("tap-csv: stream '" + spec.entity + "': cannot read the files of '" +
                     spec.path + "'");
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace chorus::tap_csv
