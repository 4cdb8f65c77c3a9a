// Values of stream map expressions: Python's names, truth, str() and repr(), the scratch pool,
// and how a record field or a JSON document element becomes a value.
#include "maps/expression_values.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "chorus/maps/expression.h"
#include "chorus/plugin/named_values.h"
#include "chorus/singer/writer.h"

namespace chorus::maps {
namespace {

// Python's type() names, which error messages use as Python's would.
constexpr Named<Kind> kKindNames[] = {
    {Kind::None, "NoneType"},   {Kind::Bool, "bool"},  {Kind::Int, "int"},   {Kind::Float, "float"},
    {Kind::Decimal, "Decimal"}, {Kind::String, "str"}, {Kind::List, "list"}, {Kind::Json, "dict"},
    {Kind::Record, "dict"},     {Kind::Config, "dict"}};

}  // namespace

std::string_view kind_name(Kind kind) { return name_of(kKindNames, kind, "value"); }

std::string &Scratch::string() {
  if (strings_used_ == strings_.size()) strings_.emplace_back();
  std::string &slot = strings_[strings_used_++];
  slot.clear();
  return slot;
}

std::vector<Value> &Scratch::list() {
  if (lists_used_ == lists_.size()) lists_.emplace_back();
  std::vector<Value> &slot = lists_[lists_used_++];
  slot.clear();
  return slot;
}

nlohmann::json &Scratch::document() {
  if (documents_used_ == documents_.size())
    documents_.push_back(std::make_unique<nlohmann::json>());
  nlohmann::json &slot = *documents_[documents_used_++];
  slot = nullptr;
  return slot;
}

Scratch::~Scratch() = default;

Value value_of(const singer::Value &field) {
  Value value;
  switch (field.kind) {
    case singer::ValueKind::Null:
      break;
    case singer::ValueKind::Boolean:
      value.kind = Kind::Bool;
      value.boolean = field.text == "true";
      break;
    case singer::ValueKind::Number: {
      const char *end = field.text.data() + field.text.size();
      const auto parsed = std::from_chars(field.text.data(), end, value.integer);
      if (parsed.ec == std::errc() && parsed.ptr == end) {
        value.kind = Kind::Int;
      } else {
        // A fraction, an exponent or an integer beyond int64: Python's Decimal, kept exact.
        value.kind = Kind::Decimal;
        value.text = field.text;
      }
      break;
    }
    case singer::ValueKind::String:
      value.kind = Kind::String;
      value.text = field.text;
      break;
    case singer::ValueKind::Object:
    case singer::ValueKind::Array:
      value.kind = Kind::Json;
      value.text = field.text;
      break;
  }
  return value;
}

Value value_of(const nlohmann::json &element) {
  Value value;
  switch (element.type()) {
    case nlohmann::json::value_t::boolean:
      value.kind = Kind::Bool;
      value.boolean = element.get<bool>();
      break;
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      value.kind = Kind::Int;
      value.integer = element.get<std::int64_t>();
      break;
    case nlohmann::json::value_t::number_float:
      value.kind = Kind::Float;
      value.real = element.get<double>();
      break;
    case nlohmann::json::value_t::string:
      value.kind = Kind::String;
      value.text = element.get_ref<const std::string &>();
      break;
    case nlohmann::json::value_t::object:
    case nlohmann::json::value_t::array:
      value.kind = Kind::Config;
      value.document = &element;
      break;
    default:
      break;
  }
  return value;
}

bool truthy(const Value &value) {
  switch (value.kind) {
    case Kind::None:
      return false;
    case Kind::Bool:
      return value.boolean;
    case Kind::Int:
      return value.integer != 0;
    case Kind::Float:
      return value.real != 0;
    case Kind::Decimal: {
      const std::string_view mantissa = value.text.substr(0, value.text.find_first_of("eE"));
      return mantissa.find_first_of("123456789") != std::string_view::npos;
    }
    case Kind::String:
      return !value.text.empty();
    case Kind::List:
      return !value.items->empty();
    case Kind::Json: {  // "{}" and "[ ]" are empty
      const std::size_t inner = value.text.find_first_not_of(" \t\r\n", 1);
      return inner != std::string_view::npos && inner + 1 < value.text.size();
    }
    case Kind::Record:
      return true;
    case Kind::Config:
      return !value.document->empty();
  }
  return false;
}

bool is_numeric(const Value &value) {
  return value.kind == Kind::Int || value.kind == Kind::Float || value.kind == Kind::Decimal ||
         value.kind == Kind::Bool;
}

double to_double(const Value &value) {
  switch (value.kind) {
    case Kind::Bool:
      return value.boolean ? 1 : 0;
    case Kind::Int:
      return static_cast<double>(value.integer);
    case Kind::Float:
      return value.real;
    // strtod, not from_chars: a Decimal beyond double's range ("1e400") is then infinite, not 0.
    default:
      return std::strtod(std::string(value.text).c_str(), nullptr);
  }
}

std::size_t code_points(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

void append_float(std::string &out, double real) {
  if (std::isnan(real)) {
    out += "nan";
    return;
  }
  if (std::isinf(real)) {
    out += real < 0 ? "-inf" : "inf";
    return;
  }
  char buffer[32];
  const auto written = std::to_chars(buffer, buffer + sizeof buffer, real);
  const std::string_view text(buffer, static_cast<std::size_t>(written.ptr - buffer));
  out += text;
  // Python writes a float with a point even when it is whole: 3.0, not 3.
  if (text.find_first_of(".en") == std::string_view::npos) out += ".0";
}

void append_str(std::string &out, const Value &value) {
  switch (value.kind) {
    case Kind::None:
      out += "None";
      break;
    case Kind::Bool:
      out += value.boolean ? "True" : "False";
      break;
    case Kind::Int: {
      char buffer[24];
      const auto written = std::to_chars(buffer, buffer + sizeof buffer, value.integer);
      out.append(buffer, written.ptr);
      break;
    }
    case Kind::Float:
      append_float(out, value.real);
      break;
    case Kind::Decimal:
    case Kind::String:
    case Kind::Json:
      out += value.text;
      break;
    case Kind::List: {
      out += '[';
      for (std::size_t i = 0; i < value.items->size(); ++i) {
        if (i > 0) out += ", ";
        out += describe((*value.items)[i]);
      }
      out += ']';
      break;
    }
    case Kind::Record:
      out += "record";
      break;
    case Kind::Config:
      out += value.document->dump();
      break;
  }
}

std::string describe(const Value &value) {
  std::string out;
  if (value.kind == Kind::String) {
    singer::append_json_string(out, value.text);
    out.front() = '\'';
    out.back() = '\'';
    return out;
  }
  if (value.kind == Kind::Decimal) return "Decimal('" + std::string(value.text) + "')";
  append_str(out, value);
  return out;
}

void append_json(std::string &out, const Value &v) {
  switch (v.kind) {
    case Kind::None:
      out += "null";
      break;
    case Kind::Bool:
      out += v.boolean ? "true" : "false";
      break;
    case Kind::Int:
    case Kind::Decimal:
      append_str(out, v);
      break;
    case Kind::Float:
      if (!std::isfinite(v.real))
        throw EvaluationError("json.dumps() of " + describe(v) + " is not JSON");
      append_float(out, v.real);
      break;
    case Kind::String:
      singer::append_json_string(out, v.text);
      break;
    case Kind::Json:
      out += v.text;
      break;
    case Kind::Config:
      out += v.document->dump();
      break;
    case Kind::List:
      out += '[';
      for (std::size_t i = 0; i < v.items->size(); ++i) {
        if (i > 0) out += ',';
        append_json(out, (*v.items)[i]);
      }
      out += ']';
      break;
    case Kind::Record:
      throw EvaluationError("the whole record cannot be written as JSON");
  }
}

}  // namespace chorus::maps
