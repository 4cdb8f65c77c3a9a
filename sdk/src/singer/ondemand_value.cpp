#include "singer/ondemand_value.h"

#include "singer/word_scan.h"

namespace chorus::singer::detail {

namespace {

// Whether `text`, a part of a padded input, holds a backslash: a word at a time, the last one
// masked to the bytes of `text`.
bool contains_backslash(std::string_view text) {
  if constexpr (!word_scan::kCanLocate) {
    return text.find('\\') != std::string_view::npos;
  }
  const char *p = text.data();
  std::size_t left = text.size();
  for (; left >= 8; p += 8, left -= 8) {
    if (word_scan::bytes_equal(word_scan::load(p), '\\') != 0) return true;
  }
  return left > 0 && word_scan::bytes_equal(word_scan::load_padded_prefix(p, left), '\\') != 0;
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
  if constexpr (word_scan::kCanLocate) {
    // A word at a time to the first quote or backslash: the closing quote of a key without
    // escapes. Reads up to 7 bytes past `end`, into the input's padding.
    for (const char *p = raw; p < end; p += 8) {
      const std::uint64_t word = word_scan::load(p);
      const std::uint64_t marks =
          word_scan::bytes_equal(word, '"') | word_scan::bytes_equal(word, '\\');
      if (marks == 0) continue;
      const char *const hit = p + word_scan::first_marked(marks);
      if (hit < end && *hit == '"') {
        key = std::string_view(raw, static_cast<std::size_t>(hit - raw));
        return simdjson::SUCCESS;
      }
      break;
    }
  } else {
    for (const char *p = raw; p < end; ++p) {
      if (*p == '"') {
        key = std::string_view(raw, static_cast<std::size_t>(p - raw));
        return simdjson::SUCCESS;
      }
      if (*p == '\\') break;
    }
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
