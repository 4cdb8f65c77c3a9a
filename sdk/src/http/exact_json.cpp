#include "chorus/http/exact_json.h"

#include <cmath>

namespace chorus::http {
namespace {

// Significant digits of a JSON number's mantissa: what decides whether a double holds it.
int significant_digits(const std::string &text) {
  int digits = 0;
  bool leading = true;
  for (char c : text) {
    if (c == 'e' || c == 'E') break;
    if (c < '0' || c > '9') continue;
    if (leading && c == '0') continue;
    leading = false;
    ++digits;
  }
  return digits;
}

// Builds the same document as nlohmann's own parser, except for numbers a double would round.
class ExactNumbers : public nlohmann::detail::json_sax_dom_parser<nlohmann::json> {
 public:
  using json_sax_dom_parser::json_sax_dom_parser;

  bool number_float(double value, const std::string &text) {
    // Up to 15 significant digits survive a round trip through a double.
    if (significant_digits(text) <= 15 && std::isfinite(value)) {
      return json_sax_dom_parser::number_float(value, text);
    }
    nlohmann::json::binary_t raw(std::vector<std::uint8_t>(text.begin(), text.end()));
    return binary(raw);
  }
};

}  // namespace

nlohmann::json parse_exact(std::string_view text) {
  nlohmann::json document;
  ExactNumbers builder(document);
  nlohmann::json::sax_parse(text, &builder);
  return document;
}

bool is_exact_number(const nlohmann::json &value) { return value.is_binary(); }

std::string exact_number_text(const nlohmann::json &value) {
  const auto &bytes = value.get_binary();
  return std::string(bytes.begin(), bytes.end());
}

std::string exact_dump(const nlohmann::json &value) {
  switch (value.type()) {
    case nlohmann::json::value_t::binary:
      return exact_number_text(value);
    case nlohmann::json::value_t::object: {
      std::string out = "{";
      for (const auto &[key, member] : value.items()) {
        if (out.size() > 1) out += ',';
        out += nlohmann::json(key).dump() + ":" + exact_dump(member);
      }
      return out + "}";
    }
    case nlohmann::json::value_t::array: {
      std::string out = "[";
      for (const auto &element : value) {
        if (out.size() > 1) out += ',';
        out += exact_dump(element);
      }
      return out + "]";
    }
    default:
      return value.dump();
  }
}

}  // namespace chorus::http
