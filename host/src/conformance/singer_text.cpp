#include "conformance/singer_text.h"

#include <fstream>
#include <iterator>

namespace chorus::host::conformance {

std::string read_text(const std::filesystem::path &file) {
  std::ifstream in(file);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<nlohmann::json> messages_of(const std::string &text) {
  std::vector<nlohmann::json> messages;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start)
      messages.push_back(nlohmann::json::parse(text.substr(start, end - start), nullptr, false));
    start = end + 1;
  }
  return messages;
}

std::vector<nlohmann::json> states_of(const std::vector<nlohmann::json> &messages) {
  std::vector<nlohmann::json> states;
  for (const auto &message : messages) {
    if (message.is_object() && message.value("type", "") == "STATE" && message.contains("value")) {
      states.push_back(message["value"]);
    }
  }
  return states;
}

}  // namespace chorus::host::conformance
