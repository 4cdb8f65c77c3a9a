#include "conformance/singer_text.h"

#include <fstream>
#include <iterator>

#include "process/line_splitter.h"

namespace chorus::host::conformance {

std::string read_text(const std::filesystem::path &file) {
  std::ifstream in(file);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<nlohmann::json> messages_of(const std::string &text) {
  std::vector<nlohmann::json> messages;
  for_each_piece(text, [&](std::string_view line) {
    if (!line.empty()) messages.push_back(nlohmann::json::parse(line, nullptr, false));
  });
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
