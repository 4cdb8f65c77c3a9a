// Reading the Singer text a plugin wrote (or a fixture holds), for the suite's checks.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace chorus::host::conformance {

std::string read_text(const std::filesystem::path &file);

// Each line of `text` parsed; a line that is not JSON becomes a discarded value
// (is_discarded()), so checks can name it.
std::vector<nlohmann::json> messages_of(const std::string &text);

// The "value" of each STATE message of `messages`, in order.
std::vector<nlohmann::json> states_of(const std::vector<nlohmann::json> &messages);

}  // namespace chorus::host::conformance
