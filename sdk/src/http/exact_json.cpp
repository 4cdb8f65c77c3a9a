// Parsing API bodies with simdjson On-Demand into nlohmann::json, numbers decided from their text:
// nlohmann's own parser turns a number it cannot hold (1e400) into an error, and a tiny one
// (1e-400) into 0, before any hook sees the text.
#include "chorus/http/exact_json.h"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "singer/ondemand_value.h"

namespace chorus::http {
namespace {

namespace ondemand = simdjson::ondemand;
using simdjson::error_code;

// Significant digits of a JSON number's mantissa: what decides whether a double holds it.
int significant_digits(std::string_view text) {
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

nlohmann::json exact(std::string_view text) {
  return nlohmann::json::binary(nlohmann::json::binary_t::container_type(text.begin(), text.end()));
}

// Integers that fit 64 bits and decimals a double holds exactly (up to 15 significant digits,
// neither overflowing nor underflowing) become numbers; anything else keeps its text.
nlohmann::json number_from_text(std::string_view text) {
  const char *end = text.data() + text.size();
  if (text.find_first_of(".eE") == std::string_view::npos) {
    if (text.front() == '-') {
      std::int64_t value = 0;
      auto [at, error] = std::from_chars(text.data(), end, value);
      if (error == std::errc() && at == end) return value;
    } else {
      std::uint64_t value = 0;
      auto [at, error] = std::from_chars(text.data(), end, value);
      if (error == std::errc() && at == end) return value;
    }
    return exact(text);
  }
  const int digits = significant_digits(text);
  if (digits <= 15) {
    double value = std::strtod(std::string(text).c_str(), nullptr);
    if (std::isnormal(value) || (value == 0.0 && digits == 0)) return value;
  }
  return exact(text);
}

error_code build(ondemand::value value, nlohmann::json &out);

error_code build_number(std::string_view raw, nlohmann::json &out) {
  raw = singer::detail::trim_trailing_whitespace(raw);
  if (!singer::is_json_number(raw)) return simdjson::NUMBER_ERROR;
  out = number_from_text(raw);
  return simdjson::SUCCESS;
}

error_code build(ondemand::value value, nlohmann::json &out) {
  ondemand::json_type type;
  if (auto error = value.type().get(type)) return error;
  switch (type) {
    case ondemand::json_type::object: {
      out = nlohmann::json::object();
      ondemand::object object;
      if (auto error = value.get_object().get(object)) return error;
      for (auto member : object) {
        ondemand::field field;
        if (auto error = std::move(member).get(field)) return error;
        std::string_view key;
        if (auto error = field.unescaped_key().get(key)) return error;
        nlohmann::json &slot = out[std::string(key)];  // a repeated key: the last one wins
        if (auto error = build(field.value(), slot)) return error;
      }
      return simdjson::SUCCESS;
    }
    case ondemand::json_type::array: {
      out = nlohmann::json::array();
      ondemand::array array;
      if (auto error = value.get_array().get(array)) return error;
      for (auto element : array) {
        ondemand::value item;
        // NOLINTNEXTLINE(performance-move-const-arg): simdjson's get() is rvalue-qualified.
        if (auto error = std::move(element).get(item)) return error;
        out.push_back(nullptr);
        if (auto error = build(item, out.back())) return error;
      }
      return simdjson::SUCCESS;
    }
    case ondemand::json_type::string: {
      std::string_view text;
      if (auto error = value.get_string().get(text)) return error;
      out = std::string(text);
      return simdjson::SUCCESS;
    }
    case ondemand::json_type::number:
      return build_number(value.raw_json_token(), out);
    case ondemand::json_type::boolean: {
      bool flag = false;
      if (auto error = value.get_bool().get(flag)) return error;
      out = flag;
      return simdjson::SUCCESS;
    }
    case ondemand::json_type::null: {
      bool null = false;
      if (auto error = value.is_null().get(null)) return error;
      if (!null) return simdjson::N_ATOM_ERROR;
      out = nullptr;
      return simdjson::SUCCESS;
    }
  }
  return simdjson::INCORRECT_TYPE;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\n' ||
                           text.front() == '\r')) {
    text.remove_prefix(1);
  }
  return singer::detail::trim_trailing_whitespace(text);
}

error_code build_document(ondemand::document &document, std::string_view text,
                          nlohmann::json &out) {
  bool scalar = false;
  if (auto error = document.is_scalar().get(scalar)) return error;
  if (scalar) {
    // A body that is one number is read from its text; any other scalar nlohmann reads exactly.
    if (auto error = build_number(trim(text), out); !error) return error;
    out = nlohmann::json::parse(text);
    return simdjson::SUCCESS;
  }
  ondemand::value value;
  if (auto error = document.get_value().get(value)) return error;
  if (auto error = build(value, out)) return error;
  // simdjson 3.0 has no document::at_end(); current_location() is out of bounds exactly there.
  return document.current_location().error() == simdjson::OUT_OF_BOUNDS
             ? simdjson::SUCCESS
             : simdjson::TRAILING_CONTENT;
}

}  // namespace

nlohmann::json parse_exact(std::string_view text) {
  simdjson::padded_string padded(text);
  ondemand::parser parser;
  ondemand::document document;
  nlohmann::json out;
  error_code error = parser.iterate(padded).get(document);
  if (!error) error = build_document(document, text, out);
  if (!error) return out;
  // nlohmann's parser says where and what went wrong in the words its users know; it is only run
  // on a body already known to be malformed.
  try {
    nlohmann::json::parse(text).is_null();
  } catch (const nlohmann::json::parse_error &) {
    throw;
  } catch (const nlohmann::json::exception &) {
    // A number out of a double's range: not the error simdjson found.
  }
  throw nlohmann::json::parse_error::create(
      101, text.size(), std::string("syntax error: ") + simdjson::error_message(error), nullptr);
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
