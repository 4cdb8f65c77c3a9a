// Stream map expressions: the part of the Meltano SDK's simpleeval language that stream_maps
// configs use, parsed once at config time and evaluated natively per record.
//
//   Expression domain = Expression::parse("owner_email.split('@')[-1]");  // ConfigError if not
//   ExpressionScope scope{&record, "customers", &map_config, &scratch};
//   Value v = domain.evaluate(scope);  // EvaluationError naming the part and the value
//
// docs/stream-maps.md lists the supported language exactly. Values are views: a result stays
// valid until `scratch.reset()` (once per record) or until the record's reader moves on.
// Nothing allocates per record once the scratch pool is warm, except JSON helpers.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "chorus/singer/message.h"

namespace chorus::maps {

// The types of Python values an expression can produce.
enum class Kind : std::uint8_t {
  None,
  Bool,
  Int,      // a JSON integer that fits int64, or an int() result
  Float,    // a float() result or arithmetic on one
  Decimal,  // a JSON number with a fraction or exponent, kept as its exact text (Python Decimal)
  String,
  List,    // a split() result or a list literal
  Json,    // an object or array of the record, as raw JSON text
  Record,  // `record` / `_`
  Config,  // `config`, or an object or array inside it or a json.loads() result
};

// Python's name of a kind ("str", "int", "NoneType", ...), for error messages.
std::string_view kind_name(Kind kind);

struct Value {
  Kind kind = Kind::None;
  bool boolean = false;
  std::int64_t integer = 0;
  double real = 0;
  std::string_view text;                      // String, Decimal, Json
  const std::vector<Value> *items = nullptr;  // List
  const nlohmann::json *document = nullptr;   // Config
};

// Storage for the strings and lists computed while evaluating one record, reused from record to
// record so that warm evaluation does not allocate.
class Scratch {
 public:
  std::string &string();
  std::vector<Value> &list();
  nlohmann::json &document();
  void reset() {
    strings_used_ = 0;
    lists_used_ = 0;
    documents_used_ = 0;
  }
  ~Scratch();

 private:
  std::deque<std::string> strings_;  // a deque: elements never move, so views stay valid
  std::deque<std::vector<Value>> lists_;
  std::deque<std::unique_ptr<nlohmann::json>> documents_;
  std::size_t strings_used_ = 0;
  std::size_t lists_used_ = 0;
  std::size_t documents_used_ = 0;
};

// What an expression sees: the record, the stream's name, stream_map_config, and `self` (the
// property's own value, when the property exists).
struct ExpressionScope {
  const singer::RecordView *record = nullptr;
  std::string_view stream_name;
  const nlohmann::json *config = nullptr;
  Scratch *scratch = nullptr;
  const Value *self = nullptr;
};

// An expression failed on a value (a type error, a missing property). what() names the part of
// the expression and the value.
class EvaluationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The value of a record field as an expression sees it.
Value value_of(const singer::Value &field);
// Python's truth value.
bool truthy(const Value &value);
// Python's str() of a value, appended to `out`.
void append_str(std::string &out, const Value &value);
// Python's repr() (strings quoted), for error messages.
std::string describe(const Value &value);

namespace detail {
struct Program;
}

class Expression {
 public:
  // Throws ConfigError quoting `text` and pointing at the unsupported or unknown part.
  static Expression parse(std::string_view text);
  Expression(Expression &&) noexcept;
  Expression &operator=(Expression &&) noexcept;
  ~Expression();

  Value evaluate(const ExpressionScope &scope) const;

  const std::string &text() const;
  // Bare property names the expression reads (not through record[...]), to check them against
  // a stream's schema.
  const std::vector<std::string> &property_names() const;
  // The property the expression is, when it is just a property (`id`, `record['id']`): its
  // type carries over to a new property.
  std::string_view plain_property() const;

 private:
  explicit Expression(std::unique_ptr<detail::Program> program);
  std::unique_ptr<detail::Program> program_;
};

}  // namespace chorus::maps
