#include "pipeline/env_interpolation.h"

#include <cstdlib>
#include <stdexcept>

namespace chorus::host {

std::optional<std::string> process_environment(const std::string &name) {
  const char *value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::string interpolate_env(std::string_view text, const EnvironmentLookup &lookup) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size()) {
      out += text[i];
      continue;
    }
    if (text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (text[i + 1] != '{') {
      out += '$';
      continue;
    }
    auto close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      throw std::runtime_error("unclosed \"${\" in \"" + std::string(text) + "\"");
    }
    std::string_view body = text.substr(i + 2, close - i - 2);
    std::optional<std::string> fallback;
    auto dash = body.find(":-");
    if (dash != std::string_view::npos) {
      fallback = std::string(body.substr(dash + 2));
      body = body.substr(0, dash);
    }
    const std::string name(body);
    if (name.empty())
      throw std::runtime_error("empty variable name in \"" + std::string(text) + "\"");
    auto value = lookup(name);
    if (fallback && (!value || value->empty())) {
      out += *fallback;
    } else if (value) {
      out += *value;
    } else {
      throw std::runtime_error("environment variable " + name + " is not set; set it or write ${" +
                               name + ":-default}");
    }
    i = close;
  }
  return out;
}

}  // namespace chorus::host
