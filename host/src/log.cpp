#include "log.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <vector>

namespace chorus::host {
namespace {

constexpr std::string_view kMask = "********";

struct SecretList {
  std::mutex mutex;
  std::vector<std::string> values;
};

SecretList &secret_list() {
  static SecretList list;
  return list;
}

// Key names that hold a secret whatever the plugin declares: `password=...`, `"token":"..."`.
const std::regex &secret_assignment() {
  static const std::regex pattern(
      R"re(((?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key)"?\s*[=:]\s*"?)([^\s"&;,]+))re",
      std::regex::icase | std::regex::optimize);
  return pattern;
}

void collect_secrets(const nlohmann::json &schema, const nlohmann::json &config, Redactor &out) {
  if (!schema.is_object() || !config.is_object()) return;
  auto properties = schema.find("properties");
  if (properties == schema.end() || !properties->is_object()) return;
  for (const auto &[key, value] : config.items()) {
    auto property = properties->find(key);
    if (property == properties->end() || !property->is_object()) continue;
    if (property->value("secret", false)) {
      out.add_secret(value.is_string() ? value.get<std::string>() : value.dump());
    } else if (value.is_object()) {
      collect_secrets(*property, value, out);
    } else if (value.is_array() && property->contains("items")) {
      for (const auto &item : value) collect_secrets((*property)["items"], item, out);
    }
  }
}

// Whether the value after `token:` looks like a credential. A word of letters only is prose
// ("invalid token: Failed to refresh"); credentials carry digits or punctuation, or are long.
bool looks_like_secret(const std::string &value) {
  if (value.size() >= 16) return true;
  for (char c : value) {
    if (!std::isalpha(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

std::string redact_assignments(const std::string &text) {
  std::string out;
  auto last = text.cbegin();
  for (std::sregex_iterator match(text.begin(), text.end(), secret_assignment()), end; match != end;
       ++match) {
    out.append(last, (*match)[0].first);
    out += (*match)[1].str();
    out += looks_like_secret((*match)[2].str()) ? std::string(kMask) : (*match)[2].str();
    last = (*match)[0].second;
  }
  out.append(last, text.cend());
  return out;
}

}  // namespace

void init_logging(bool verbose) {
  auto logger = spdlog::stderr_color_mt("chorus");
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
  logger->set_level(verbose ? spdlog::level::debug : spdlog::level::info);
  spdlog::set_default_logger(logger);
}

void Redactor::add_secrets_from(const nlohmann::json &settings_schema,
                                const nlohmann::json &config) {
  collect_secrets(settings_schema, config, *this);
}

void Redactor::add_secret(std::string value) {
  // Very short values would mask ordinary words; a real secret is longer than this.
  if (value.size() < 4) return;
  auto &list = secret_list();
  std::lock_guard lock(list.mutex);
  if (std::find(list.values.begin(), list.values.end(), value) == list.values.end()) {
    list.values.push_back(std::move(value));
  }
}

std::string Redactor::redact(std::string_view text) const {
  std::string out(text);
  {
    auto &list = secret_list();
    std::lock_guard lock(list.mutex);
    for (const auto &secret : list.values) {
      for (auto at = out.find(secret); at != std::string::npos;
           at = out.find(secret, at + kMask.size())) {
        out.replace(at, secret.size(), kMask);
      }
    }
  }
  if (out.find_first_of("=:") != std::string::npos) {
    out = redact_assignments(out);
  }
  return out;
}

Redactor &redactor() {
  static Redactor instance;
  return instance;
}

LogLevel log_level_from_abi(int level) {
  switch (level) {
    case 0:
      return LogLevel::Debug;
    case 2:
      return LogLevel::Warn;
    case 3:
      return LogLevel::Error;
    default:
      return LogLevel::Info;
  }
}

void log_plugin_line(std::string_view plugin, LogLevel level, std::string_view message) {
  spdlog::level::level_enum spdlog_level = spdlog::level::err;
  switch (level) {
    case LogLevel::Debug:
      spdlog_level = spdlog::level::debug;
      break;
    case LogLevel::Info:
      spdlog_level = spdlog::level::info;
      break;
    case LogLevel::Warn:
      spdlog_level = spdlog::level::warn;
      break;
    case LogLevel::Error:
      break;
  }
  spdlog::log(spdlog_level, "[{}] {}", plugin, redactor().redact(message));
}

void log_info(std::string_view message) { spdlog::info("{}", redactor().redact(message)); }
void log_warn(std::string_view message) { spdlog::warn("{}", redactor().redact(message)); }
void log_error(std::string_view message) { spdlog::error("{}", redactor().redact(message)); }

}  // namespace chorus::host
