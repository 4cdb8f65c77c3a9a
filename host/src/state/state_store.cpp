#include "state/state_store.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "state/file_state_store.h"
#include "state/postgres_state_store.h"
#include "state/s3_state_store.h"

namespace chorus::host {
namespace {

bool starts_with(const std::string &text, const char *prefix) { return text.rfind(prefix, 0) == 0; }

std::string first_set(std::initializer_list<const char *> variables) {
  for (const char *variable : variables) {
    const char *value = std::getenv(variable);
    if (value != nullptr && *value != '\0') return value;
  }
  return {};
}

}  // namespace

nlohmann::json merge_state(const nlohmann::json &previous, const nlohmann::json &update) {
  if (!previous.is_object() || !update.is_object()) return update;
  nlohmann::json merged = previous;
  for (const auto &[key, value] : update.items()) {
    auto existing = merged.find(key);
    merged[key] = existing == merged.end() ? value : merge_state(*existing, value);
  }
  return merged;
}

bool is_state_url(const std::string &location) {
  return starts_with(location, "s3://") || starts_with(location, "postgresql://") ||
         starts_with(location, "postgres://");
}

std::unique_ptr<StateStore> open_state_store(const std::string &location,
                                             const StateStoreOptions &options) {
  if (starts_with(location, "s3://")) {
    StateStoreOptions resolved = options;
    if (resolved.s3_endpoint.empty()) {
      resolved.s3_endpoint = first_set({"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"});
    }
    if (resolved.s3_region.empty()) {
      resolved.s3_region = first_set({"AWS_REGION", "AWS_DEFAULT_REGION"});
    }
    return open_s3_state_store(location, resolved);
  }
  if (starts_with(location, "postgresql://") || starts_with(location, "postgres://")) {
    return open_postgres_state_store(location, options.state_id);
  }
  if (starts_with(location, "file://")) {
    const std::string path = location.substr(7);
    if (path.empty() || path[0] != '/') {
      throw std::runtime_error("state " + location +
                               ": a file:// URL names an absolute path (file:///srv/s.json)");
    }
    return std::make_unique<FileStateStore>(path);
  }
  if (location.find("://") != std::string::npos) {
    throw std::runtime_error("state " + location +
                             ": not a known kind of state store; use a file path, file:///PATH, "
                             "s3://BUCKET/KEY or postgresql://USER@HOST:PORT/DB");
  }
  return std::make_unique<FileStateStore>(std::filesystem::absolute(location));
}

std::optional<nlohmann::json> parse_stored_state(const std::string &text,
                                                 const std::string &location) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return std::nullopt;
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception &e) {
    throw std::runtime_error("state " + location + " is not valid JSON (" + e.what() +
                             "); fix it or remove it with `chorus state clear`");
  }
}

}  // namespace chorus::host
