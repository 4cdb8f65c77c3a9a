#include "singer/ondemand_value.h"

namespace chorus::singer::detail {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool contains_backslash(std::string_view text) {
  // A call to memchr costs more than scanning the short strings records mostly hold.
  if (text.size() > 32) return std::memchr(text.data(), '\\', text.size()) != nullptr;
  for (const char c : text) {
    if (c == '\\') return true;
  }
  return false;
}

}  // namespace

bool is_json_number(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  if (i < n && text[i] == '-') ++i;
  if (i >= n) return false;
  if (text[i] == '0') {
    ++i;
  } else if (is_digit(text[i])) {
    while (i < n && is_digit(text[i])) ++i;
  } else {
    return false;
  }
  if (i < n && text[i] == '.') {
    ++i;
    if (i >= n || !is_digit(text[i])) return false;
    while (i < n && is_digit(text[i])) ++i;
  }
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    if (i >= n || !is_digit(text[i])) return false;
    while (i < n && is_digit(text[i])) ++i;
  }
  return i == n;
}

simdjson::error_code read_key(simdjson::ondemand::field &field, const char *end,
                              std::string_view &key) noexcept {
  const char *const raw = field.key().raw();  // just after the opening quote
  // Keys are short: one inline pass finds the closing quote or a backslash.
  for (const char *p = raw; p < end; ++p) {
    if (*p == '"') {
      key = std::string_view(raw, static_cast<std::size_t>(p - raw));
      return simdjson::SUCCESS;
    }
    if (*p == '\\') break;
  }
  return field.unescaped_key().get(key);
}

simdjson::error_code read_string(simdjson::ondemand::value &value, std::string_view &out) noexcept {
  // The token is the quoted string plus any whitespace up to the next token. Without a
  // backslash the content is final as it stands in the input: no copy, no unescaping, and the
  // value is left for the iterator to skip.
  const std::string_view token = trim_trailing_whitespace(value.raw_json_token());
  if (token.size() >= 2 && token.front() == '"' && token.back() == '"') {
    const std::string_view content = token.substr(1, token.size() - 2);
    if (!contains_backslash(content)) {
      out = content;
      return simdjson::SUCCESS;
    }
  }
  return value.get_string().get(out);
}

simdjson::error_code read_value(simdjson::ondemand::value &value, Value &out) noexcept {
  using simdjson::ondemand::json_type;
  json_type type;
  if (auto error = value.type().get(type)) return error;
  switch (type) {
    case json_type::number: {
      out.kind = ValueKind::Number;
      out.text = trim_trailing_whitespace(value.raw_json_token());
      return is_json_number(out.text) ? simdjson::SUCCESS : simdjson::NUMBER_ERROR;
    }
    case json_type::string: {
      out.kind = ValueKind::String;
      return read_string(value, out.text);
    }
    case json_type::boolean: {
      bool flag = false;
      if (auto error = value.get_bool().get(flag)) return error;
      out.kind = ValueKind::Boolean;
      out.text = flag ? std::string_view("true") : std::string_view("false");
      return simdjson::SUCCESS;
    }
    case json_type::null: {
      bool null = false;
      if (auto error = value.is_null().get(null)) return error;
      if (!null) return simdjson::N_ATOM_ERROR;
      out.kind = ValueKind::Null;
      out.text = {};
      return simdjson::SUCCESS;
    }
    case json_type::object: {
      simdjson::ondemand::object object;
      if (auto error = value.get_object().get(object)) return error;
      out.kind = ValueKind::Object;
      std::string_view raw;
      if (auto error = object.raw_json().get(raw)) return error;
      out.text = trim_trailing_whitespace(raw);
      return simdjson::SUCCESS;
    }
    case json_type::array: {
      simdjson::ondemand::array array;
      if (auto error = value.get_array().get(array)) return error;
      out.kind = ValueKind::Array;
      std::string_view raw;
      if (auto error = array.raw_json().get(raw)) return error;
      out.text = trim_trailing_whitespace(raw);
      return simdjson::SUCCESS;
    }
  }
  return simdjson::INCORRECT_TYPE;
}

}  // namespace chorus::singer::detail
