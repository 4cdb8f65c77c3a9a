// The Singer catalog: which streams exist, which are selected, and how they replicate.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace chorus {

enum class ReplicationMethod { FullTable, Incremental, LogBased };
std::string to_string(ReplicationMethod method);  // "FULL_TABLE", "INCREMENTAL", "LOG_BASED"
ReplicationMethod parse_replication_method(const std::string &text);  // throws ConfigError

// One stream of a catalog, with its stream-level metadata (breadcrumb []) unpacked.
struct CatalogEntry {
  std::string tap_stream_id;
  std::string stream;
  nlohmann::json schema;
  std::vector<std::string> key_properties;
  bool selected = false;
  std::optional<ReplicationMethod> replication_method;
  std::string replication_key;  // empty when none
  // Property names deselected with metadata ["properties", name] -> "selected": false.
  std::vector<std::string> deselected_properties;
  nlohmann::json metadata = nlohmann::json::array();  // the raw metadata list
};

// Parses a Singer catalog ({"streams": [...]}). Throws ConfigError on a malformed catalog.
std::vector<CatalogEntry> parse_catalog(const nlohmann::json &catalog);

// Serialises entries back to a Singer catalog document.
nlohmann::json to_catalog(const std::vector<CatalogEntry> &entries);

}  // namespace chorus
