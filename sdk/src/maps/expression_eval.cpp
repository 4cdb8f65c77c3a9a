// Evaluates a parsed stream map expression against one record, with Python's semantics for
// the supported subset. Errors say which part failed on which value, quoting the expression.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "chorus/maps/expression.h"
#include "maps/expression_functions.h"
#include "maps/expression_program.h"
#include "maps/expression_values.h"

namespace chorus::maps {
namespace detail {
namespace {

bool is_integral(const Value &v) { return v.kind == Kind::Int || v.kind == Kind::Bool; }
std::int64_t as_int(const Value &v) { return v.kind == Kind::Bool ? v.boolean : v.integer; }

Value make_int(std::int64_t i) {
  Value v;
  v.kind = Kind::Int;
  v.integer = i;
  return v;
}
Value make_float(double d) {
  Value v;
  v.kind = Kind::Float;
  v.real = d;
  return v;
}
Value make_bool(bool b) {
  Value v;
  v.kind = Kind::Bool;
  v.boolean = b;
  return v;
}

// Python's index into a sequence of `size`; false when out of range.
bool resolve_index(std::int64_t index, std::size_t size, std::size_t &out) {
  const auto length = static_cast<std::int64_t>(size);
  if (index < 0) index += length;
  if (index < 0 || index >= length) return false;
  out = static_cast<std::size_t>(index);
  return true;
}

// Byte offsets of code points, so that string indexes count characters as Python does.
std::size_t code_point_offset(std::string_view text, std::size_t index) {
  std::size_t offset = 0;
  while (index > 0 && offset < text.size()) {
    ++offset;
    while (offset < text.size() && (static_cast<unsigned char>(text[offset]) & 0xC0) == 0x80) {
      ++offset;
    }
    --index;
  }
  return offset;
}
class Evaluator {
 public:
  Evaluator(const Program &program, const ExpressionScope &scope)
      : program_(program), scope_(scope) {}

  Value eval(int index) {
    const Node &node = program_.nodes[static_cast<std::size_t>(index)];
    switch (node.op) {
      case Op::Literal:
        return node.literal;
      case Op::Property:
        return property(node);
      case Op::RecordName: {
        Value v;
        v.kind = Kind::Record;
        return v;
      }
      case Op::ConfigName: {
        Value v;
        v.kind = Kind::Config;
        v.document = scope_.config;
        return v;
      }
      case Op::StreamName: {
        Value v;
        v.kind = Kind::String;
        v.text = scope_.stream_name;
        return v;
      }
      case Op::SelfName:
        if (scope_.self == nullptr)
          fail(node, "'self' is only defined for a property the record has");
        return *scope_.self;
      case Op::ListLiteral: {
        std::vector<Value> &items = scope_.scratch->list();
        for (int arg : node.args) items.push_back(eval(arg));
        Value v;
        v.kind = Kind::List;
        v.items = &items;
        return v;
      }
      case Op::Negate: {
        const Value operand = eval(node.args[0]);
        if (operand.kind == Kind::Int || operand.kind == Kind::Bool) {
          if (as_int(operand) == INT64_MIN) fail(node, "integer overflow");
          return make_int(-as_int(operand));
        }
        if (is_numeric(operand)) return make_float(-to_double(operand));
        fail(node, "bad operand type for unary -: " + describe(operand));
      }
      case Op::Not:
        return make_bool(!truthy(eval(node.args[0])));
      case Op::And:
      case Op::Or: {
        Value v;
        for (int arg : node.args) {
          v = eval(arg);
          if (truthy(v) != (node.op == Op::And)) return v;
        }
        return v;
      }
      case Op::Add:
      case Op::Subtract:
      case Op::Multiply:
      case Op::Divide:
      case Op::FloorDivide:
      case Op::Modulo:
      case Op::Power:
        return arithmetic(node, eval(node.args[0]), eval(node.args[1]));
      case Op::Compare:
        return compare(node);
      case Op::Conditional:
        return truthy(eval(node.args[1])) ? eval(node.args[0]) : eval(node.args[2]);
      case Op::Subscript:
        return subscript(node, eval(node.args[0]), eval(node.args[1]));
      case Op::Slice:
        return slice(node);
      case Op::Call:
      case Op::Method: {
        std::vector<Value> &args = scope_.scratch->list();
        for (int arg : node.args) args.push_back(eval(arg));
        if (node.op == Op::Method && node.builtin == Builtin::Get && args[0].kind == Kind::Record) {
          return record_get(node, args);
        }
        try {
          return node.op == Op::Call ? call_function(node.builtin, node.name, args, *scope_.scratch)
                                     : call_method(node.builtin, node.name, args, *scope_.scratch);
        } catch (const EvaluationError &error) {
          fail(node, error.what());
        }
      }
    }
    fail(node, "unsupported expression");
  }

 private:
  [[noreturn]] void fail(const Node &node, const std::string &what) const {
    throw EvaluationError(what + " in " + point_at(program_.text, node.begin, node.end));
  }

  Value property(const Node &node) const {
    const singer::Field *field = scope_.record->find(node.name);
    if (field == nullptr) {
      fail(node, "the record has no property '" + node.name + "' (guard it: record.get('" +
                     node.name + "') or '" + node.name + "' in record)");
    }
    return value_of(field->value);
  }

  // record.get(key[, default]): the guard for a property that a record may lack.
  Value record_get(const Node &node, const std::vector<Value> &args) const {
    if (args.size() < 2 || args.size() > 3) fail(node, "get() takes a key and an optional default");
    if (args[1].kind != Kind::String)
      fail(node, "record keys are strings, not " + describe(args[1]));
    const singer::Field *field = scope_.record->find(args[1].text);
    if (field != nullptr) return value_of(field->value);
    return args.size() == 3 ? args[2] : Value{};
  }

  Value arithmetic(const Node &node, const Value &a, const Value &b) {
    // A view of a constant: only a failure's message spells it.
    const std::string_view symbol = name_of(kArithmeticSymbols, node.op);
    if (node.op == Op::Add && a.kind == Kind::String && b.kind == Kind::String) {
      std::string &out = scope_.scratch->string();
      out.reserve(a.text.size() + b.text.size());
      out.append(a.text).append(b.text);
      Value v;
      v.kind = Kind::String;
      v.text = out;
      return v;
    }
    if (node.op == Op::Multiply && (a.kind == Kind::String) != (b.kind == Kind::String) &&
        (is_integral(a) || is_integral(b))) {
      const Value &text = a.kind == Kind::String ? a : b;
      const std::int64_t times = as_int(a.kind == Kind::String ? b : a);
      std::string &out = scope_.scratch->string();
      for (std::int64_t i = 0; i < times; ++i) out.append(text.text);
      Value v;
      v.kind = Kind::String;
      v.text = out;
      return v;
    }
    if (!is_numeric(a) || !is_numeric(b)) {
      fail(node, "unsupported operand types for " + std::string(symbol) + ": " + describe(a) +
                     " and " + describe(b));
    }
    if (is_integral(a) && is_integral(b)) {
      const std::int64_t x = as_int(a), y = as_int(b);
      std::int64_t r = 0;
      switch (node.op) {
        case Op::Add:
          if (__builtin_add_overflow(x, y, &r)) fail(node, "integer overflow");
          return make_int(r);
        case Op::Subtract:
          if (__builtin_sub_overflow(x, y, &r)) fail(node, "integer overflow");
          return make_int(r);
        case Op::Multiply:
          if (__builtin_mul_overflow(x, y, &r)) fail(node, "integer overflow");
          return make_int(r);
        case Op::FloorDivide:
        case Op::Modulo: {
          if (y == 0)
            fail(node, "integer division or modulo by zero: " + describe(a) + " " +
                           std::string(symbol) + " 0");
          if (x == INT64_MIN && y == -1) fail(node, "integer overflow");
          std::int64_t q = x / y, m = x % y;
          if (m != 0 && ((m < 0) != (y < 0))) {  // Python rounds toward negative infinity
            --q;
            m += y;
          }
          return make_int(node.op == Op::FloorDivide ? q : m);
        }
        case Op::Power:
          if (y >= 0) {
            std::int64_t result = 1;
            for (std::int64_t i = 0; i < y; ++i) {
              if (__builtin_mul_overflow(result, x, &result)) fail(node, "integer overflow");
            }
            return make_int(result);
          }
          break;
        default:
          break;
      }
    }
    // Float arithmetic; a Decimal operand is computed in double precision (documented).
    const double x = to_double(a), y = to_double(b);
    switch (node.op) {
      case Op::Add:
        return make_float(x + y);
      case Op::Subtract:
        return make_float(x - y);
      case Op::Multiply:
        return make_float(x * y);
      case Op::Divide:
        if (y == 0) fail(node, "division by zero: " + describe(a) + " / " + describe(b));
        return make_float(x / y);
      case Op::FloorDivide:
        if (y == 0) fail(node, "division by zero: " + describe(a) + " // " + describe(b));
        return make_float(std::floor(x / y));
      case Op::Modulo: {
        if (y == 0) fail(node, "modulo by zero: " + describe(a) + " % " + describe(b));
        double m = std::fmod(x, y);
        if (m != 0 && ((m < 0) != (y < 0))) m += y;
        return make_float(m);
      }
      case Op::Power:
        return make_float(std::pow(x, y));
      default:
        break;
    }
    fail(node, "unsupported operator");
  }

  bool contains(const Node &node, const Value &item, const Value &container) {
    switch (container.kind) {
      case Kind::String:
        if (item.kind != Kind::String) {
          fail(node, "'in <string>' requires a string as left operand, not " + describe(item));
        }
        return container.text.find(item.text) != std::string_view::npos;
      case Kind::List:
        for (const Value &element : *container.items) {
          if (equal(item, element)) return true;
        }
        return false;
      case Kind::Record:
        return item.kind == Kind::String && scope_.record->find(item.text) != nullptr;
      case Kind::Json:
      case Kind::Config: {
        const nlohmann::json &document =
            container.kind == Kind::Config ? *container.document : parsed(node, container);
        if (document.is_object()) {
          return item.kind == Kind::String && document.contains(std::string(item.text));
        }
        for (const auto &element : document) {
          if (equal(item, value_of(element))) return true;
        }
        return false;
      }
      default:
        fail(node, "argument of type '" + std::string(kind_name(container.kind)) +
                       "' is not iterable: " + describe(container));
    }
  }

  Value compare(const Node &node) {
    Value left = eval(node.args[0]);
    for (std::size_t i = 0; i < node.compare_ops.size(); ++i) {
      const Value right = eval(node.args[i + 1]);
      bool holds = false;
      switch (node.compare_ops[i]) {
        case CompareOp::Eq:
          holds = equal(left, right);
          break;
        case CompareOp::NotEq:
          holds = !equal(left, right);
          break;
        case CompareOp::Is:
        case CompareOp::IsNot: {
          // Identity is only meaningful for None, True and False in these expressions.
          const bool same = left.kind == right.kind &&
                            (left.kind == Kind::None ||
                             (left.kind == Kind::Bool && left.boolean == right.boolean));
          holds = same == (node.compare_ops[i] == CompareOp::Is);
          break;
        }
        case CompareOp::In:
          holds = contains(node, left, right);
          break;
        case CompareOp::NotIn:
          holds = !contains(node, left, right);
          break;
        default: {
          static const char *const kSymbols[] = {"", "", "<", "<=", ">", ">="};
          const auto op = node.compare_ops[i];
          int sign = 0;
          try {
            sign = order(left, right, kSymbols[static_cast<int>(op)]);
          } catch (const EvaluationError &error) {
            fail(node, error.what());
          }
          holds = op == CompareOp::Less      ? sign < 0
                  : op == CompareOp::LessEq  ? sign <= 0
                  : op == CompareOp::Greater ? sign > 0
                                             : sign >= 0;
        }
      }
      if (!holds) return make_bool(false);
      left = right;
    }
    return make_bool(true);
  }

  const nlohmann::json &parsed(const Node &node, const Value &json_text) {
    nlohmann::json &document = scope_.scratch->document();
    try {
      document = nlohmann::json::parse(json_text.text);
    } catch (const nlohmann::json::exception &) {
      fail(node, "the value is not valid JSON: " + describe(json_text));
    }
    return document;
  }

  Value subscript(const Node &node, const Value &object, const Value &index) {
    switch (object.kind) {
      case Kind::Record: {
        if (index.kind != Kind::String)
          fail(node, "record keys are strings, not " + describe(index));
        const singer::Field *field = scope_.record->find(index.text);
        if (field == nullptr) {
          fail(node, "the record has no property " + describe(index) + " (guard it: record.get(" +
                         describe(index) + "))");
        }
        return value_of(field->value);
      }
      case Kind::Json: {
        Value document;
        document.kind = Kind::Config;
        document.document = &parsed(node, object);
        return subscript(node, document, index);
      }
      case Kind::Config: {
        const nlohmann::json &document = *object.document;
        if (document.is_object()) {
          if (index.kind != Kind::String) fail(node, "keys are strings, not " + describe(index));
          const auto found = document.find(std::string(index.text));
          if (found == document.end()) {
            fail(node, "no key " + describe(index) + " in " + describe(object));
          }
          return value_of(*found);
        }
        std::size_t at = 0;
        if (!is_integral(index) || !resolve_index(as_int(index), document.size(), at)) {
          fail(node, "index " + describe(index) + " out of range for " + describe(object));
        }
        return value_of(document[at]);
      }
      case Kind::List: {
        std::size_t at = 0;
        if (!is_integral(index) || !resolve_index(as_int(index), object.items->size(), at)) {
          fail(node, "list index " + describe(index) + " out of range for " + describe(object));
        }
        return (*object.items)[at];
      }
      case Kind::String: {
        std::size_t at = 0;
        if (!is_integral(index) || !resolve_index(as_int(index), code_points(object.text), at)) {
          fail(node, "string index " + describe(index) + " out of range for " + describe(object));
        }
        const std::size_t begin = code_point_offset(object.text, at);
        Value v;
        v.kind = Kind::String;
        v.text = object.text.substr(begin, code_point_offset(object.text.substr(begin), 1));
        return v;
      }
      default:
        fail(node, "'" + std::string(kind_name(object.kind)) +
                       "' object is not subscriptable: " + describe(object));
    }
  }

  Value slice(const Node &node) {
    const Value object = eval(node.args[0]);
    const std::size_t size = object.kind == Kind::String ? code_points(object.text)
                             : object.kind == Kind::List ? object.items->size()
                                                         : 0;
    if (object.kind != Kind::String && object.kind != Kind::List) {
      fail(node, "only strings and lists can be sliced, not " + describe(object));
    }
    const auto length = static_cast<std::int64_t>(size);
    auto bound = [&](int arg, std::int64_t fallback) {
      if (arg < 0) return fallback;
      const Value v = eval(arg);
      if (v.kind == Kind::None) return fallback;
      if (!is_integral(v)) fail(node, "slice indices must be integers, not " + describe(v));
      std::int64_t i = as_int(v);
      if (i < 0) i += length;
      return std::clamp<std::int64_t>(i, 0, length);
    };
    const std::int64_t start = bound(node.args[1], 0);
    const std::int64_t stop = std::max(start, bound(node.args[2], length));
    Value v = object;
    if (object.kind == Kind::String) {
      const std::size_t begin = code_point_offset(object.text, static_cast<std::size_t>(start));
      const std::size_t end = code_point_offset(object.text, static_cast<std::size_t>(stop));
      v.text = object.text.substr(begin, end - begin);
      return v;
    }
    std::vector<Value> &items = scope_.scratch->list();
    items.assign(object.items->begin() + start, object.items->begin() + stop);
    v.items = &items;
    return v;
  }

  const Program &program_;
  const ExpressionScope &scope_;
};

}  // namespace
}  // namespace detail

Expression::Expression(std::unique_ptr<detail::Program> program) : program_(std::move(program)) {}
Expression::Expression(Expression &&) noexcept = default;
Expression &Expression::operator=(Expression &&) noexcept = default;
Expression::~Expression() = default;

Expression Expression::parse(std::string_view text) {
  return Expression(std::make_unique<detail::Program>(detail::parse_program(text)));
}

Value Expression::evaluate(const ExpressionScope &scope) const {
  return detail::Evaluator(*program_, scope).eval(program_->root);
}

const std::string &Expression::text() const { return program_->text; }
const std::vector<std::string> &Expression::property_names() const {
  return program_->property_names;
}
std::string_view Expression::plain_property() const { return program_->plain_property; }

}  // namespace chorus::maps
