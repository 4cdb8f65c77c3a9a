#include "singer/ondemand_value.h"

namespace chorus::singer::detail {

namespace {

bool contains_backslash(std::string_view text) {
  // A call to memchr costs more than scanning the short strings records mostly hold.
  if (text.size() > 32) return std::memchr(text.data(), '\\', text.size()) != nullptr;
  for (const char c : text) {
    if (c == '\\') return true;
  }
  return false;
}

// A nested object or array (`container`, as simdjson opened it) is kept as its JSON text.
template <typename Container>
simdjson::error_code read_nested(simdjson::simdjson_result<Container> container, ValueKind kind,
                                 Value &out) noexcept {
  Container opened;
  if (auto error = std::move(container).get(opened)) return error;
  out.kind = kind;
  std::string_view raw;
  if (auto error = opened.raw_json().get(raw)) return error;
  out.text = trim_trailing_whitespace(raw);
  return simdjson::SUCCESS;
}

}  // namespace

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
    case json_type::object:
      return read_nested(value.get_object(), ValueKind::Object, out);
    case json_type::array:
      return read_nested(value.get_array(), ValueKind::Array, out);
  }
  return simdjson::INCORRECT_TYPE;
}

}  // namespace chorus::singer::detail
