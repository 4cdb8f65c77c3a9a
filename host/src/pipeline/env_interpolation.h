// ${VAR} and ${VAR:-default} in pipeline files.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace chorus::host {

using EnvironmentLookup = std::function<std::optional<std::string>(const std::string &name)>;

// The process environment.
std::optional<std::string> process_environment(const std::string &name);

// Replaces every ${NAME} by the variable's value and ${NAME:-default} by the value or, when the
// variable is unset or empty, the default. "$$" stands for a literal "$". Throws
// std::runtime_error naming the variable when ${NAME} is unset (an empty connection string would
// fail later with a far less helpful message), or when a "${" is not closed.
std::string interpolate_env(std::string_view text, const EnvironmentLookup &lookup);

}  // namespace chorus::host
