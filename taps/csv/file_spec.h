// One entry of tap-csv's `files` setting: a stream and the files it reads.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace chorus::tap_csv {

struct FileSpec {
  std::string entity;  // the stream name
  std::string path;    // a file or a glob pattern
  std::vector<std::string> keys;
  std::string replication_key;  // empty: full table
  char delimiter = ',';
  nlohmann::json schema;  // declared JSON Schema, or null to infer types from the data
};

// Parses and checks the `files` setting. Throws ConfigError naming the entry and the key.
std::vector<FileSpec> parse_file_specs(const nlohmann::json &files);

// The files a spec matches, in sorted order. A pattern that matches nothing yields no files.
std::vector<std::string> resolve_files(const FileSpec &spec);

// The JSON Schema of one `files` entry, for the settings document.
nlohmann::json file_spec_settings_schema();

}  // namespace chorus::tap_csv
