// JSON for API bodies, with exact numbers.
//
// nlohmann::json stores a number with a fraction or exponent as a double, which rounds a
// decimal with more than 15 significant digits (amounts in minor units, high-precision rates,
// integers beyond 64 bits), and cannot hold 1e400 or 1e-400 at all. parse_exact() keeps such a
// number's original text instead, in a binary value (JSON text itself never produces one);
// exact_dump() writes it back as the number it was. Integers of 64 bits and decimals a double
// holds exactly stay ordinary numbers.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace chorus::http {

// Parses JSON text; throws nlohmann::json::parse_error like nlohmann::json::parse() for text that
// is not JSON (its byte is past the end for text that ends too soon).
nlohmann::json parse_exact(std::string_view text);

// True for a number parse_exact() kept as text.
bool is_exact_number(const nlohmann::json &value);
// The original text of such a number ("12345678901234567.89").
std::string exact_number_text(const nlohmann::json &value);

// `value` as JSON text, exact numbers written as their original text.
std::string exact_dump(const nlohmann::json &value);

}  // namespace chorus::http
