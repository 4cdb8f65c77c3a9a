// The ABI boundary: every exception a plugin raises becomes a chorus_status plus a message for
// host->set_error(), because nothing may throw across the C ABI.
#include <cstdio>
#include <exception>
#include <string>

#include "chorus/abi.h"
#include "chorus/plugin/entry.h"
#include "chorus/plugin/errors.h"
#include "chorus/singer/errors.h"

namespace chorus::detail {
namespace {

// ProtocolError prefixes "line N: ". Messages that already name the line in their own words
// ("RECORD for stream 'x' at line 7 ...") read better without the prefix.
std::string protocol_message(const singer::ProtocolError &error) {
  std::string text = error.what();
  const std::string prefix = "line " + std::to_string(error.line_number()) + ": ";
  if (text.compare(0, prefix.size(), prefix) == 0 &&
      text.find("line " + std::to_string(error.line_number()), prefix.size()) !=
          std::string::npos) {
    return text.substr(prefix.size());
  }
  return "invalid Singer input at " + text;
}

std::string non_empty(const char *what, const char *message) {
  if (message != nullptr && *message != '\0') return message;
  return std::string(what) + " failed without a message (a bug in the plugin)";
}

void report(const chorus_host_v1 *host, chorus_status code, const std::string &message) noexcept {
  if (host != nullptr && host->set_error != nullptr) {
    host->set_error(host, code, message.c_str());
    return;
  }
  std::fprintf(stderr, "error: %s\n", message.c_str());
}

}  // namespace

chorus_status guarded(const chorus_host_v1 *host, const char *what, void (*body)(void *),
                      void *closure) {
  chorus_status code = CHORUS_ERR_FATAL;
  std::string message;
  // Building the message may itself throw (bad_alloc); the outer catch keeps that from
  // escaping through the C ABI.
  try {
    try {
      body(closure);
      return CHORUS_OK;
    } catch (const StopRequested &) {
      // A tap that overrides Tap::sync let a stop request unwind to here: not a failure.
      return CHORUS_OK;
    } catch (const ConfigError &error) {
      code = CHORUS_ERR_CONFIG;
      // ConfigError messages say what is wrong with which setting, catalog or state; the host
      // adds that the config was rejected.
      message = non_empty(what, error.what());
    } catch (const RetryableError &error) {
      code = CHORUS_ERR_RETRYABLE;
      message =
          std::string(what) + " failed (retrying may succeed): " + non_empty(what, error.what());
    } catch (const singer::ProtocolError &error) {
      message = protocol_message(error);
    } catch (const FatalError &error) {
      message = non_empty(what, error.what());
    } catch (const std::bad_alloc &) {
      message = std::string(what) + " failed: out of memory";
    } catch (const std::exception &error) {
      message = std::string(what) + " failed: " + non_empty(what, error.what());
    } catch (...) {
      message = std::string(what) + " failed: unknown exception";
    }
  } catch (...) {
    code = CHORUS_ERR_FATAL;
    report(host, code, "out of memory while reporting an error");
    return code;
  }
  report(host, code, message);
  return code;
}

const char *kind_name(chorus_kind kind) {
  switch (kind) {
    case CHORUS_KIND_TAP:
      return "tap";
    case CHORUS_KIND_TARGET:
      return "target";
    case CHORUS_KIND_MAPPER:
      return "mapper";
  }
  return "unknown";
}

nlohmann::json parse_config(const char *config_json) {
  nlohmann::json config;
  try {
    config = nlohmann::json::parse(config_json != nullptr ? config_json : "{}");
  } catch (const nlohmann::json::parse_error &error) {
    throw ConfigError(std::string("the config is not valid JSON (") + error.what() +
                      "); pass a JSON object such as {\"key\": \"value\"}");
  }
  if (config.is_null()) return nlohmann::json::object();
  if (!config.is_object()) {
    throw ConfigError(std::string("the config must be a JSON object, got ") + config.type_name());
  }
  return config;
}

}  // namespace chorus::detail
