// The stream map expression language: what it computes, and what it refuses, with the words
// a user sees.
#include "chorus/maps/expression.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "../thrown_error.h"
#include "chorus/plugin/errors.h"

using chorus::maps::Expression;
using chorus::maps::Kind;
using chorus::singer::Field;
using chorus::singer::RecordView;
using chorus::singer::ValueKind;
using chorus::testing::thrown_message;

namespace {

struct Fixture {
  RecordView record;
  nlohmann::json config = {{"hash_seed", "s33d"}, {"limits", {{"low", 10}}}, {"names", {"a", "b"}}};
  chorus::maps::Scratch scratch;

  Fixture() {
    record.stream = "customers";
    record.fields = {{"id", {ValueKind::Number, "42"}},
                     {"email", {ValueKind::String, "Jane@Example.com"}},
                     {"price", {ValueKind::Number, "12.50"}},
                     {"nothing", {ValueKind::Null, ""}},
                     {"active", {ValueKind::Boolean, "true"}},
                     {"address", {ValueKind::Object, R"({"city":"Oslo","zip":"0150"})"}},
                     {"tags", {ValueKind::Array, R"(["x","y"])"}}};
  }

  // The result of `text` as Python's str() of it, with its kind.
  std::string str(const std::string &text, Kind *kind = nullptr) {
    const Expression expression = Expression::parse(text);
    scratch.reset();
    const chorus::maps::ExpressionScope scope{&record, "customers", &config, &scratch, nullptr};
    const chorus::maps::Value value = expression.evaluate(scope);
    if (kind != nullptr) *kind = value.kind;
    std::string out;
    chorus::maps::append_str(out, value);
    return out;
  }

  std::string failure(const std::string &text) {
    return thrown_message<chorus::maps::EvaluationError>(
        [&] { str(text); }, ("expected an evaluation error for " + text).c_str());
  }
};

std::string parse_error(const std::string &text) {
  return thrown_message<chorus::ConfigError>([&] { (void)Expression::parse(text); },
                                             ("expected a config error for " + text).c_str());
}

}  // namespace

TEST_CASE("expressions read properties by bare name, through record and _, and config") {
  Fixture f;
  CHECK(f.str("id") == "42");
  CHECK(f.str("record['email']") == "Jane@Example.com");
  CHECK(f.str("_['id']") == "42");
  CHECK(f.str("config['hash_seed']") == "s33d");
  CHECK(f.str("config['limits']['low']") == "10");
  CHECK(f.str("config.get('missing', 'fallback')") == "fallback");
  CHECK(f.str("__stream_name__") == "customers");
  CHECK(f.str("address['city']") == "Oslo");
  CHECK(f.str("tags[-1]") == "y");
}

TEST_CASE("a decimal property passes through digit for digit and compares exactly") {
  Fixture f;
  Kind kind{};
  CHECK(f.str("price", &kind) == "12.50");
  CHECK(kind == Kind::Decimal);
  CHECK(f.str("price > 12.4999") == "True");
  CHECK(f.str("price == 12.5") == "True");
  CHECK(f.str("price < 13") == "True");
}

TEST_CASE("arithmetic follows Python: integers stay integers, / gives a float, // and % floor") {
  Fixture f;
  Kind kind{};
  CHECK(f.str("id + 1", &kind) == "43");
  CHECK(kind == Kind::Int);
  CHECK(f.str("id / 4") == "10.5");
  CHECK(f.str("id * 2 - 4 ** 2") == "68");
  CHECK(f.str("-7 // 2") == "-4");
  CHECK(f.str("-7 % 3") == "2");
  CHECK(f.str("1.0 + 2") == "3.0");
  CHECK(f.str("'ab' * 2") == "abab");
  CHECK(f.failure("id / 0").find("division by zero") != std::string::npos);
  CHECK(f.failure("9223372036854775807 + 1").find("integer overflow") != std::string::npos);
}

TEST_CASE("strings concatenate, slice and index by character, and have their methods") {
  Fixture f;
  CHECK(f.str("email.lower()") == "jane@example.com");
  CHECK(f.str("email.upper()") == "JANE@EXAMPLE.COM");
  CHECK(f.str("email.split('@')[-1]") == "Example.com");
  CHECK(f.str("email.split('@')[0][1:3]") == "an");
  CHECK(f.str("email[:4] + '-' + str(id)") == "Jane-42");
  CHECK(f.str("email[-3:]") == "com");
  CHECK(f.str("'  pad '.strip()") == "pad");
  CHECK(f.str("'xxpadxx'.strip('x')") == "pad");
  CHECK(f.str("'  pad '.lstrip()") == "pad ");
  CHECK(f.str("'  pad '.rstrip()") == "  pad");
  // ASCII letters only change case; '@', '[', '`' and '{' sit next to them in ASCII.
  CHECK(f.str("'@AZ[`az{ø'.lower()") == "@az[`az{ø");
  CHECK(f.str("'@AZ[`az{ø'.upper()") == "@AZ[`AZ{ø");
  CHECK(f.str("email.replace('Example', 'test')") == "Jane@test.com");
  CHECK(f.str("email.startswith('Jane')") == "True");
  CHECK(f.str("email.endswith(['.org', '.com'])") == "True");
  CHECK(f.str("'a b  c'.split()") == "['a', 'b', 'c']");
  CHECK(f.str("'ø€x'[1]") == "€");
  CHECK(f.str("len('ø€x')") == "3");
  CHECK(f.str("len(tags)") == "2");
}

TEST_CASE("comparisons chain, and/or return an operand, in tests membership") {
  Fixture f;
  CHECK(f.str("1 < id < 100") == "True");
  CHECK(f.str("1 < id < 10") == "False");
  CHECK(f.str("nothing or 'default'") == "default");
  CHECK(f.str("id and email") == "Jane@Example.com");
  CHECK(f.str("not active") == "False");
  CHECK(f.str("'@' in email") == "True");
  CHECK(f.str("'x' not in tags") == "False");
  CHECK(f.str("'city' in address") == "True");
  CHECK(f.str("'a' in config['names']") == "True");
  CHECK(f.str("'email' in record") == "True");
  CHECK(f.str("id in [1, 42]") == "True");
  CHECK(f.str("nothing is None") == "True");
  CHECK(f.str("active is not None") == "True");
  CHECK(f.str("'big' if id > 40 else 'small'") == "big");
}

TEST_CASE("casts, hashes and json helpers give Python's results") {
  Fixture f;
  Kind kind{};
  CHECK(f.str("int('17')", &kind) == "17");
  CHECK(kind == Kind::Int);
  CHECK(f.str("int(price)") == "12");
  CHECK(f.str("float(id)") == "42.0");
  CHECK(f.str("str(active)") == "True");
  CHECK(f.str("str(nothing)") == "None");
  CHECK(f.str("bool('')") == "False");
  CHECK(f.str("bool(price)") == "True");
  CHECK(f.str("md5('abc')") == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(f.str("sha256('abc')") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(f.str("md5(config['hash_seed'] + email)") == f.str("md5('s33dJane@Example.com')"));
  CHECK(f.str("json.dumps(tags)") == R"(["x","y"])");
  CHECK(f.str("json.loads('{\"a\": [1, 2]}')['a'][1]") == "2");
}

TEST_CASE("a failing evaluation names the part and the value") {
  Fixture f;
  const std::string missing = f.failure("missing_one + 1");
  CHECK(missing.find("the record has no property 'missing_one'") != std::string::npos);
  CHECK(missing.find("record.get('missing_one')") != std::string::npos);
  CHECK(f.str("record.get('missing_one', 5) + 1") == "6");
  const std::string type = f.failure("email + id");
  CHECK(type.find("unsupported operand types for +: 'Jane@Example.com' and 42") !=
        std::string::npos);
  CHECK(type.find("^^^^^^^^^^") != std::string::npos);
  CHECK(f.failure("nothing > 3").find("'>' not supported between None and 3") != std::string::npos);
  CHECK(f.failure("md5(id)").find("md5() needs a string, got 42 (wrap it in str())") !=
        std::string::npos);
  CHECK(f.failure("int('4.5')").find("invalid literal for int()") != std::string::npos);
  // A guard keeps the failing part from being evaluated.
  CHECK(f.str("nothing is not None and nothing > 3") == "False");
}

TEST_CASE("an unsupported construct or unknown name is a config error pointing at it") {
  const std::string call = parse_error("email.title()");
  CHECK(call.find("unknown attribute 'title'") != std::string::npos);
  CHECK(call.find("\"email.title()\"") != std::string::npos);
  CHECK(call.find("         ^^^^^") != std::string::npos);
  CHECK(parse_error("upper(email)").find("unknown function 'upper'") != std::string::npos);
  CHECK(parse_error("lambda x: x").find("'lambda' is not supported") != std::string::npos);
  CHECK(parse_error("[x for x in tags]").find("comprehensions are not supported") !=
        std::string::npos);
  CHECK(parse_error("{'a': 1}").find("dict and set literals") != std::string::npos);
  CHECK(parse_error("id +").find("expected a value") != std::string::npos);
  CHECK(parse_error("int(x, base=2)").find("keyword arguments") != std::string::npos);
  CHECK(parse_error("email[::2]").find("slice steps") != std::string::npos);
  CHECK(parse_error("json.load(x)").find("unknown function 'json.load'") != std::string::npos);
  CHECK(parse_error("'open").find("unterminated string") != std::string::npos);
}

TEST_CASE("an expression lists the bare property names it reads, and names a plain property") {
  const Expression hashed = Expression::parse("md5(config['seed'] + owner_email)");
  CHECK(hashed.property_names() == std::vector<std::string>{"owner_email"});
  CHECK(hashed.plain_property().empty());
  CHECK(Expression::parse("customer_id").plain_property() == "customer_id");
  CHECK(Expression::parse("record['customer_id']").plain_property() == "customer_id");
}
