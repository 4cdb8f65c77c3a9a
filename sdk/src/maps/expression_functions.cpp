// The built-in functions (casts, hashes, len, json) and string methods of stream map
// expressions, and Python's == and ordering between values.
#include "maps/expression_functions.h"

// MD5() and SHA256() are deprecated in OpenSSL 3 (see hex_digest()).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/md5.h>
#include <openssl/sha.h>

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "chorus/singer/decimal.h"
#include "chorus/singer/writer.h"
#include "maps/expression_values.h"

namespace chorus::maps::detail {
namespace {

Value string_value(std::string_view text) {
  Value v;
  v.kind = Kind::String;
  v.text = text;
  return v;
}

[[noreturn]] void type_error(const std::string &what) { throw EvaluationError(what); }

const Value &only_argument(std::string_view name, const std::vector<Value> &args) {
  if (args.size() != 1) type_error(std::string(name) + "() takes one argument");
  return args[0];
}

std::string_view string_argument(std::string_view function, const Value &v) {
  if (v.kind != Kind::String) {
    type_error(std::string(function) + " needs a string, got " + describe(v) +
               " (wrap it in str())");
  }
  return v.text;
}

// The one-shot MD5() and SHA256(): OpenSSL 3's EVP interface creates and frees a provider
// context on every EVP_DigestInit_ex() (about 1 us, more than the hashing of a short value, per
// record), the one-shot functions do not. They are deprecated in OpenSSL 3, not removed.
Value hex_digest(bool sha256, std::string_view text, Scratch &scratch) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  const auto *bytes = reinterpret_cast<const unsigned char *>(text.data());
  const unsigned int length = sha256 ? SHA256_DIGEST_LENGTH : MD5_DIGEST_LENGTH;
  if (sha256) {
    SHA256(bytes, text.size(), digest);
  } else {
    MD5(bytes, text.size(), digest);
  }
  static const char kHex[] = "0123456789abcdef";
  std::string &out = scratch.string();
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return string_value(out);
}

std::string_view trim(std::string_view text) {
  const std::size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

Value to_int(const Value &v) {
  Value out;
  out.kind = Kind::Int;
  switch (v.kind) {
    case Kind::Int:
      return v;
    case Kind::Bool:
      out.integer = v.boolean;
      return out;
    case Kind::Float:
    case Kind::Decimal: {
      const double real = to_double(v);
      if (!std::isfinite(real) || std::fabs(real) >= 9.2e18) {
        type_error("cannot convert " + describe(v) + " to a 64-bit integer");
      }
      out.integer = static_cast<std::int64_t>(real);  // truncates toward zero, as Python
      return out;
    }
    case Kind::String: {
      std::string_view text = trim(v.text);
      if (!text.empty() && text.front() == '+') text.remove_prefix(1);
      const char *end = text.data() + text.size();
      const auto parsed = std::from_chars(text.data(), end, out.integer);
      if (text.empty() || parsed.ec != std::errc() || parsed.ptr != end) {
        type_error("invalid literal for int() with base 10: " + describe(v));
      }
      return out;
    }
    default:
      type_error("int() argument must be a string or a number, not " + describe(v));
  }
}

Value to_float(const Value &v) {
  Value out;
  out.kind = Kind::Float;
  switch (v.kind) {
    case Kind::Float:
      return v;
    case Kind::Bool:
      out.real = v.boolean;
      return out;
    case Kind::Int:
      out.real = static_cast<double>(v.integer);
      return out;
    case Kind::Decimal:
    case Kind::String: {
      const std::string text(trim(v.text));
      char *end = nullptr;
      out.real = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size()) {
        type_error("could not convert string to float: " + describe(v));
      }
      return out;
    }
    default:
      type_error("float() argument must be a string or a number, not " + describe(v));
  }
}

std::size_t length_of(const Value &v) {
  switch (v.kind) {
    case Kind::String:
      return code_points(v.text);
    case Kind::List:
      return v.items->size();
    case Kind::Config:
      return v.document->size();
    case Kind::Json: {
      try {
        return nlohmann::json::parse(v.text).size();
      } catch (const nlohmann::json::exception &) {
        type_error("the value is not valid JSON: " + describe(v));
      }
    }
    default:
      type_error("object of type '" + std::string(kind_name(v.kind)) +
                 "' has no len(): " + describe(v));
  }
}

Value split(const std::vector<Value> &args, Scratch &scratch) {
  const std::string_view text = args[0].text;
  std::vector<Value> &parts = scratch.list();
  if (args.size() == 1) {  // split(): runs of whitespace, no empty parts
    std::size_t i = 0;
    while (i < text.size()) {
      const std::size_t begin = text.find_first_not_of(" \t\r\n\f\v", i);
      if (begin == std::string_view::npos) break;
      std::size_t end = text.find_first_of(" \t\r\n\f\v", begin);
      if (end == std::string_view::npos) end = text.size();
      parts.push_back(string_value(text.substr(begin, end - begin)));
      i = end;
    }
  } else {
    const std::string_view separator = string_argument("split()", args[1]);
    if (separator.empty()) type_error("split(): empty separator");
    std::size_t begin = 0;
    for (;;) {
      const std::size_t found = text.find(separator, begin);
      if (found == std::string_view::npos) break;
      parts.push_back(string_value(text.substr(begin, found - begin)));
      begin = found + separator.size();
    }
    parts.push_back(string_value(text.substr(begin)));
  }
  Value v;
  v.kind = Kind::List;
  v.items = &parts;
  return v;
}

bool affix_matches(bool prefix, std::string_view method, std::string_view text,
                   const Value &affix) {
  auto one = [&](std::string_view candidate) {
    return prefix ? text.substr(0, candidate.size()) == candidate
                  : text.size() >= candidate.size() &&
                        text.substr(text.size() - candidate.size()) == candidate;
  };
  if (affix.kind == Kind::List) {
    for (const Value &item : *affix.items) {
      if (one(string_argument(method, item))) return true;
    }
    return false;
  }
  return one(string_argument(method, affix));
}

Value lookup(const Value &object, const std::vector<Value> &args) {
  if (args.size() < 2 || args.size() > 3) type_error("get() takes a key and an optional default");
  const Value fallback = args.size() == 3 ? args[2] : Value{};
  if (args[1].kind != Kind::String) type_error("get() keys are strings, not " + describe(args[1]));
  const nlohmann::json &document = *object.document;
  if (!document.is_object()) type_error("get() needs a dict, not " + describe(object));
  const auto found = document.find(std::string(args[1].text));
  return found == document.end() ? fallback : value_of(*found);
}

}  // namespace

Value call_function(Builtin function, std::string_view name, const std::vector<Value> &args,
                    Scratch &scratch) {
  switch (function) {
    case Builtin::Str: {
      if (args.empty()) return string_value({});
      std::string &out = scratch.string();
      append_str(out, args[0]);
      return string_value(out);
    }
    case Builtin::Bool: {
      Value v;
      v.kind = Kind::Bool;
      v.boolean = !args.empty() && truthy(args[0]);
      return v;
    }
    case Builtin::Int:
      return args.empty() ? Value{Kind::Int} : to_int(args[0]);
    case Builtin::Float:
      return args.empty() ? Value{Kind::Float} : to_float(args[0]);
    case Builtin::Md5:
    case Builtin::Sha256: {
      const bool sha256 = function == Builtin::Sha256;
      return hex_digest(sha256,
                        string_argument(sha256 ? "sha256()" : "md5()", only_argument(name, args)),
                        scratch);
    }
    case Builtin::Len: {
      Value v;
      v.kind = Kind::Int;
      v.integer = static_cast<std::int64_t>(length_of(only_argument(name, args)));
      return v;
    }
    case Builtin::JsonDumps: {
      std::string &out = scratch.string();
      append_json(out, only_argument(name, args));
      return string_value(out);
    }
    case Builtin::JsonLoads: {
      nlohmann::json &document = scratch.document();
      const std::string_view text = string_argument("json.loads()", only_argument(name, args));
      try {
        document = nlohmann::json::parse(text);
      } catch (const nlohmann::json::exception &) {
        type_error("json.loads() got text that is not JSON: " + describe(args[0]));
      }
      return value_of(document);
    }
    default:
      break;
  }
  type_error("'" + std::string(name) + "' is not a function");
}

Value call_method(Builtin method, std::string_view name, const std::vector<Value> &args,
                  Scratch &scratch) {
  const Value &object = args[0];
  if (method == Builtin::Get) {
    if (object.kind != Kind::Config) {
      type_error("'" + std::string(kind_name(object.kind)) +
                 "' object has no attribute 'get': " + describe(object));
    }
    return lookup(object, args);
  }
  if (object.kind != Kind::String) {
    type_error("'" + std::string(kind_name(object.kind)) + "' object has no attribute '" +
               std::string(name) + "': " + describe(object));
  }
  const std::string_view text = object.text;
  const std::size_t count = args.size() - 1;
  auto arity = [&](std::size_t low, std::size_t high) {
    if (count < low || count > high)
      type_error(std::string(name) + "() got " + std::to_string(count) + " arguments");
  };
  switch (method) {
    case Builtin::Lower:
    case Builtin::Upper: {
      arity(0, 0);
      // ASCII letters only; other characters pass unchanged (documented).
      const char from = method == Builtin::Lower ? 'A' : 'a';
      const char to = method == Builtin::Lower ? 'a' : 'A';
      std::string &out = scratch.string();
      out.assign(text);
      for (char &c : out) {
        if (c >= from && c <= from + 25) c = static_cast<char>(c - from + to);
      }
      return string_value(out);
    }
    case Builtin::Strip:
    case Builtin::Lstrip:
    case Builtin::Rstrip: {
      arity(0, 1);
      const std::string_view characters =
          count == 1 ? string_argument(name, args[1]) : std::string_view(" \t\r\n\f\v");
      std::size_t begin = 0, end = text.size();
      if (method != Builtin::Rstrip) {
        while (begin < end && characters.find(text[begin]) != std::string_view::npos) ++begin;
      }
      if (method != Builtin::Lstrip) {
        while (end > begin && characters.find(text[end - 1]) != std::string_view::npos) --end;
      }
      return string_value(text.substr(begin, end - begin));
    }
    case Builtin::Split:
      arity(0, 1);
      return split(args, scratch);
    case Builtin::Replace: {
      arity(2, 2);
      const std::string_view old_text = string_argument("replace()", args[1]);
      const std::string_view new_text = string_argument("replace()", args[2]);
      std::string &out = scratch.string();
      if (old_text.empty()) {
        out.assign(text);
        return string_value(out);
      }
      std::size_t begin = 0;
      for (;;) {
        const std::size_t found = text.find(old_text, begin);
        if (found == std::string_view::npos) break;
        out.append(text.substr(begin, found - begin)).append(new_text);
        begin = found + old_text.size();
      }
      out.append(text.substr(begin));
      return string_value(out);
    }
    case Builtin::Startswith:
    case Builtin::Endswith:
      break;
    default:
      type_error("'" + std::string(name) + "' is not a method");
  }
  arity(1, 1);  // startswith, endswith
  Value v;
  v.kind = Kind::Bool;
  v.boolean = affix_matches(method == Builtin::Startswith, name, text, args[1]);
  return v;
}

namespace {

// Exact comparison when a Decimal is involved and the other side is exact too.
std::optional<int> exact_order(const Value &a, const Value &b) {
  if (a.kind == Kind::Float || b.kind == Kind::Float) return std::nullopt;
  if (a.kind != Kind::Decimal && b.kind != Kind::Decimal) return std::nullopt;
  auto decimal = [](const Value &v) {
    if (v.kind == Kind::Decimal) return singer::parse_decimal(v.text);
    const std::int64_t i = v.kind == Kind::Bool ? v.boolean : v.integer;
    return singer::parse_decimal(std::to_string(i));
  };
  const auto x = decimal(a), y = decimal(b);
  if (!x || !y) return std::nullopt;
  return singer::compare(*x, *y);
}

int numeric_order(const Value &a, const Value &b) {
  if (const auto exact = exact_order(a, b)) return *exact;
  if ((a.kind == Kind::Int || a.kind == Kind::Bool) &&
      (b.kind == Kind::Int || b.kind == Kind::Bool)) {
    const std::int64_t x = a.kind == Kind::Bool ? a.boolean : a.integer;
    const std::int64_t y = b.kind == Kind::Bool ? b.boolean : b.integer;
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  const double x = to_double(a), y = to_double(b);
  return x < y ? -1 : (x > y ? 1 : 0);
}

}  // namespace

bool equal(const Value &a, const Value &b) {
  if (is_numeric(a) && is_numeric(b)) return numeric_order(a, b) == 0;
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Kind::None:
      return true;
    case Kind::String:
    case Kind::Json:
      return a.text == b.text;
    case Kind::List:
      if (a.items->size() != b.items->size()) return false;
      for (std::size_t i = 0; i < a.items->size(); ++i) {
        if (!equal((*a.items)[i], (*b.items)[i])) return false;
      }
      return true;
    case Kind::Config:
      return *a.document == *b.document;
    default:
      return true;  // Record
  }
}

int order(const Value &a, const Value &b, std::string_view op) {
  if (is_numeric(a) && is_numeric(b)) return numeric_order(a, b);
  if (a.kind == Kind::String && b.kind == Kind::String) {
    // UTF-8 byte order is code point order, which is Python's.
    const int c = a.text.compare(b.text);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  throw EvaluationError("'" + std::string(op) + "' not supported between " + describe(a) + " and " +
                        describe(b));
}

}  // namespace chorus::maps::detail
