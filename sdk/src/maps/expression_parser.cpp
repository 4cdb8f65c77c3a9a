// A recursive-descent parser for the Python expression subset of stream maps, with Python's
// precedence: conditional < or < and < not < comparisons < + - < * / // % < unary - < ** <
// calls, subscripts, slices, methods. Anything else is refused here, at config time, with the
// expression quoted and the offending part marked.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <optional>
#include <set>

#include "chorus/plugin/errors.h"
#include "maps/expression_program.h"

namespace chorus::maps::detail {
namespace {

// Python keywords that start constructs outside the subset (lambda, comprehensions, ...).
const std::set<std::string, std::less<>> kKeywords = {
    "and", "or", "not", "in", "is", "if", "else", "for", "lambda", "None", "True", "False"};

enum class TokenKind : std::uint8_t { Name, Number, String, Symbol, End };

struct Token {
  TokenKind kind = TokenKind::End;
  std::string_view text;
  std::uint32_t begin = 0, end = 0;
  std::string value;  // a string literal's content, unescaped
};

class Parser {
 public:
  explicit Parser(std::string_view text) { program_.text = std::string(text); }

  Program run() {
    advance();
    program_.root = expression();
    if (token_.kind != TokenKind::End) fail(token_.begin, token_.end, "unexpected text");
    const Node &root = program_.nodes[static_cast<std::size_t>(program_.root)];
    if (root.op == Op::Property) program_.plain_property = root.name;
    if (root.op == Op::Subscript && node(root.args[0]).op == Op::RecordName &&
        node(root.args[1]).literal.kind == Kind::String && node(root.args[1]).op == Op::Literal) {
      program_.plain_property = std::string(node(root.args[1]).literal.text);
    }
    return std::move(program_);
  }

 private:
  [[noreturn]] void fail(std::uint32_t begin, std::uint32_t end, const std::string &what) const {
    throw ConfigError(what + " in expression " + point_at(program_.text, begin, end));
  }

  const Node &node(int index) const { return program_.nodes[static_cast<std::size_t>(index)]; }

  int add(Node node) {
    program_.nodes.push_back(std::move(node));
    return static_cast<int>(program_.nodes.size() - 1);
  }
  int add(Op op, std::uint32_t begin, std::uint32_t end, std::vector<int> args = {}) {
    Node made;
    made.op = op;
    made.begin = begin;
    made.end = end;
    made.args = std::move(args);
    return add(std::move(made));
  }
  std::uint32_t begin_of(int index) const { return node(index).begin; }
  std::uint32_t end_of(int index) const { return node(index).end; }

  // --- tokens
  void advance() {
    previous_end_ = token_.end;
    const std::string &text = program_.text;
    while (position_ < text.size() && (text[position_] == ' ' || text[position_] == '\t' ||
                                       text[position_] == '\n' || text[position_] == '\r')) {
      ++position_;
    }
    token_ = Token{};
    token_.begin = static_cast<std::uint32_t>(position_);
    if (position_ >= text.size()) {
      token_.end = token_.begin;
      return;
    }
    const char c = text[position_];
    std::size_t end = position_;
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      while (end < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) {
        ++end;
      }
      token_.kind = TokenKind::Name;
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '.' && position_ + 1 < text.size() &&
                std::isdigit(static_cast<unsigned char>(text[position_ + 1])))) {
      while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) ||
                                   text[end] == '.' || text[end] == '_' ||
                                   ((text[end] == '+' || text[end] == '-') &&
                                    (text[end - 1] == 'e' || text[end - 1] == 'E')))) {
        ++end;
      }
      token_.kind = TokenKind::Number;
    } else if (c == '\'' || c == '"') {
      end = string_literal(position_);
      token_.kind = TokenKind::String;
    } else {
      static const char *const kSymbols[] = {"**", "//", "==", "!=", "<=", ">=", "(", ")", "[",
                                             "]",  ",",  ":",  ".",  "+",  "-",  "*", "/", "%",
                                             "<",  ">",  "{",  "}",  "=",  "~",  "&", "|", "^"};
      for (const char *symbol : kSymbols) {
        const std::size_t length = std::strlen(symbol);
        if (text.compare(position_, length, symbol) == 0) {
          end = position_ + length;
          break;
        }
      }
      if (end == position_) {
        fail(token_.begin, token_.begin + 1, std::string("unexpected character '") + c + "'");
      }
      token_.kind = TokenKind::Symbol;
    }
    token_.end = static_cast<std::uint32_t>(end);
    token_.text = std::string_view(text).substr(position_, end - position_);
    position_ = end;
  }

  // Reads a quoted string starting at `start` into token_.value; returns its end.
  std::size_t string_literal(std::size_t start) {
    const std::string &text = program_.text;
    const char quote = text[start];
    std::size_t i = start + 1;
    while (i < text.size() && text[i] != quote) {
      if (text[i] == '\\' && i + 1 < text.size()) {
        const char escaped = text[i + 1];
        switch (escaped) {
          case 'n':
            token_.value.push_back('\n');
            break;
          case 't':
            token_.value.push_back('\t');
            break;
          case 'r':
            token_.value.push_back('\r');
            break;
          case '\\':
          case '\'':
          case '"':
            token_.value.push_back(escaped);
            break;
          default:
            fail(static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i + 2),
                 "unsupported string escape");
        }
        i += 2;
        continue;
      }
      token_.value.push_back(text[i]);
      ++i;
    }
    if (i >= text.size()) {
      fail(static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(text.size()),
           "unterminated string");
    }
    return i + 1;
  }

  bool at_symbol(std::string_view symbol) const {
    return token_.kind == TokenKind::Symbol && token_.text == symbol;
  }
  bool at_name(std::string_view name) const {
    return token_.kind == TokenKind::Name && token_.text == name;
  }
  void expect_symbol(std::string_view symbol) {
    if (!at_symbol(symbol)) {
      fail(token_.begin, std::max(token_.end, token_.begin + 1),
           "expected '" + std::string(symbol) + "'");
    }
    advance();
  }

  // --- grammar
  int expression() {
    const int body = disjunction();
    if (!at_name("if")) return body;
    advance();
    const int condition = disjunction();
    if (!at_name("else")) fail(token_.begin, token_.end + 1, "expected 'else'");
    advance();
    const int orelse = expression();
    return add(Op::Conditional, begin_of(body), end_of(orelse), {body, condition, orelse});
  }

  int boolean_chain(Op op, const char *keyword, int (Parser::*operand)()) {
    int first = (this->*operand)();
    if (!at_name(keyword)) return first;
    std::vector<int> args{first};
    while (at_name(keyword)) {
      advance();
      args.push_back((this->*operand)());
    }
    const std::uint32_t end = end_of(args.back());
    return add(op, begin_of(first), end, std::move(args));
  }
  int disjunction() { return boolean_chain(Op::Or, "or", &Parser::conjunction); }
  int conjunction() { return boolean_chain(Op::And, "and", &Parser::inversion); }

  int inversion() {
    if (!at_name("not")) return comparison();
    const std::uint32_t begin = token_.begin;
    advance();
    const int operand = inversion();
    return add(Op::Not, begin, end_of(operand), {operand});
  }

  bool comparison_operator(CompareOp &op) {
    if (token_.kind == TokenKind::Symbol) {
      static constexpr Named<CompareOp> kSymbols[] = {
          {CompareOp::Eq, "=="},     {CompareOp::NotEq, "!="},  {CompareOp::Less, "<"},
          {CompareOp::LessEq, "<="}, {CompareOp::Greater, ">"}, {CompareOp::GreaterEq, ">="}};
      const std::optional<CompareOp> found = value_named(kSymbols, token_.text);
      if (!found) return false;
      op = *found;
      advance();
      return true;
    }
    if (at_name("in")) {
      op = CompareOp::In;
      advance();
      return true;
    }
    if (at_name("is")) {
      advance();
      op = CompareOp::Is;
      if (at_name("not")) {
        op = CompareOp::IsNot;
        advance();
      }
      return true;
    }
    if (at_name("not")) {
      advance();
      if (!at_name("in")) fail(token_.begin, token_.end + 1, "expected 'in' after 'not'");
      advance();
      op = CompareOp::NotIn;
      return true;
    }
    return false;
  }

  int comparison() {
    const int first = sum();
    CompareOp op{};
    if (!comparison_operator(op)) return first;
    Node made;
    made.op = Op::Compare;
    made.args.push_back(first);
    do {
      made.compare_ops.push_back(op);
      made.args.push_back(sum());
    } while (comparison_operator(op));
    made.begin = begin_of(first);
    made.end = end_of(made.args.back());
    return add(std::move(made));
  }

  // A left-associative chain of the `operators` (one precedence level) over `operand`s.
  int binary_chain(int (Parser::*operand)(), std::initializer_list<Op> operators) {
    int left = (this->*operand)();
    for (;;) {
      const Op *found = nullptr;
      for (const Op &candidate : operators) {
        if (at_symbol(name_of(kArithmeticSymbols, candidate))) found = &candidate;
      }
      if (found == nullptr) return left;
      advance();
      const int right = (this->*operand)();
      left = add(*found, begin_of(left), end_of(right), {left, right});
    }
  }
  int sum() { return binary_chain(&Parser::term, {Op::Add, Op::Subtract}); }
  int term() {
    return binary_chain(&Parser::factor, {Op::Multiply, Op::Divide, Op::FloorDivide, Op::Modulo});
  }

  int factor() {
    if (at_symbol("-") || at_symbol("+")) {
      const bool negate = at_symbol("-");
      const std::uint32_t begin = token_.begin;
      advance();
      const int operand = factor();
      if (!negate) return operand;
      return add(Op::Negate, begin, end_of(operand), {operand});
    }
    if (at_symbol("~")) fail(token_.begin, token_.end, "the operator '~' is not supported");
    return power();
  }

  int power() {
    const int base = postfix();
    if (!at_symbol("**")) return base;
    advance();
    const int exponent = factor();
    return add(Op::Power, begin_of(base), end_of(exponent), {base, exponent});
  }

  std::vector<int> call_arguments() {
    std::vector<int> args;
    expect_symbol("(");
    while (!at_symbol(")")) {
      const std::uint32_t begin = token_.begin;
      args.push_back(expression());
      if (at_symbol("=")) fail(begin, token_.end, "keyword arguments are not supported");
      if (!at_symbol(",")) break;
      advance();
    }
    expect_symbol(")");
    return args;
  }

  int postfix() {
    int object = atom();
    for (;;) {
      if (at_symbol("(")) {
        fail(token_.begin, token_.end,
             "only the functions " + list(kFunctionNames) + " and json." +
                 list(kJsonFunctionNames) + " can be called");
      }
      if (at_symbol("[")) {
        advance();
        object = subscript(object);
        continue;
      }
      if (at_symbol(".")) {
        advance();
        if (token_.kind != TokenKind::Name) fail(token_.begin, token_.end + 1, "expected a name");
        const Token method = token_;
        advance();
        const std::optional<Builtin> builtin = value_named(kMethodNames, method.text);
        if (!builtin || !at_symbol("(")) {
          fail(method.begin, method.end,
               "unknown attribute '" + std::string(method.text) + "' (the methods supported are " +
                   list(kMethodNames) + ")");
        }
        std::vector<int> args{object};
        for (int argument : call_arguments()) args.push_back(argument);
        Node made;
        made.op = Op::Method;
        made.name = std::string(method.text);
        made.builtin = *builtin;
        made.begin = begin_of(object);
        made.end = static_cast<std::uint32_t>(position_before_token());
        made.args = std::move(args);
        object = add(std::move(made));
        continue;
      }
      return object;
    }
  }

  // The end of the text consumed so far (the end of the previous token, set by advance()).
  std::size_t position_before_token() const { return previous_end_; }

  int subscript(int object) {
    int start = -1, stop = -1;
    bool is_slice = false;
    if (!at_symbol(":")) start = expression();
    if (at_symbol(":")) {
      is_slice = true;
      advance();
      if (!at_symbol("]") && !at_symbol(":")) stop = expression();
      if (at_symbol(":")) fail(token_.begin, token_.end, "slice steps are not supported");
    }
    const std::uint32_t end = token_.end;
    expect_symbol("]");
    if (!is_slice) return add(Op::Subscript, begin_of(object), end, {object, start});
    return add(Op::Slice, begin_of(object), end, {object, start, stop});
  }

  int atom() {
    const Token token = token_;
    if (token.kind == TokenKind::End) fail(token.begin, token.begin + 1, "expected a value");
    if (token.kind == TokenKind::Number) {
      advance();
      return number(token);
    }
    if (token.kind == TokenKind::String) {
      std::string value = token.value;
      std::uint32_t end = token.end;
      advance();
      while (token_.kind == TokenKind::String) {  // "a" "b" is "ab", as in Python
        value += token_.value;
        end = token_.end;
        advance();
      }
      program_.string_literals.push_back(std::move(value));
      Node made;
      made.op = Op::Literal;
      made.begin = token.begin;
      made.end = end;
      made.literal.kind = Kind::String;
      made.literal.text = program_.string_literals.back();
      return add(std::move(made));
    }
    if (token.kind == TokenKind::Symbol) {
      if (token.text == "(") {
        advance();
        const int inner = expression();
        if (at_symbol(",")) fail(token_.begin, token_.end, "tuples are not supported; use a list");
        expect_symbol(")");
        return inner;
      }
      if (token.text == "[") {
        advance();
        std::vector<int> items;
        while (!at_symbol("]")) {
          items.push_back(expression());
          if (at_name("for")) fail(token_.begin, token_.end, "comprehensions are not supported");
          if (!at_symbol(",")) break;
          advance();
        }
        const std::uint32_t end = token_.end;
        expect_symbol("]");
        return add(Op::ListLiteral, token.begin, end, std::move(items));
      }
      if (token.text == "{")
        fail(token.begin, token.end, "dict and set literals are not supported");
      fail(token.begin, token.end, "unexpected '" + std::string(token.text) + "'");
    }
    return name(token);
  }

  int number(const Token &token) {
    Node made;
    made.op = Op::Literal;
    made.begin = token.begin;
    made.end = token.end;
    const std::string_view text = token.text;
    const char *end = text.data() + text.size();
    if (text.find_first_of(".eE") == std::string_view::npos) {
      made.literal.kind = Kind::Int;
      const auto parsed = std::from_chars(text.data(), end, made.literal.integer);
      if (parsed.ec != std::errc() || parsed.ptr != end) fail(token.begin, token.end, "bad number");
    } else {
      made.literal.kind = Kind::Float;
      const auto parsed = std::from_chars(text.data(), end, made.literal.real);
      if (parsed.ec != std::errc() || parsed.ptr != end) fail(token.begin, token.end, "bad number");
    }
    return add(std::move(made));
  }

  int name(const Token &token) {
    const std::string_view text = token.text;
    advance();
    Node made;
    made.begin = token.begin;
    made.end = token.end;
    if (text == "None" || text == "True" || text == "False") {
      made.op = Op::Literal;
      made.literal.kind = text == "None" ? Kind::None : Kind::Bool;
      made.literal.boolean = text == "True";
      return add(std::move(made));
    }
    if (text == "record" || text == "_")
      made.op = Op::RecordName;
    else if (text == "config")
      made.op = Op::ConfigName;
    else if (text == "__stream_name__")
      made.op = Op::StreamName;
    else if (text == "self")
      made.op = Op::SelfName;
    else if (text == "json")
      return json_call(token);
    else if (const std::optional<Builtin> builtin = value_named(kFunctionNames, text))
      return function_call(token, *builtin);
    else if (kKeywords.count(text) != 0) {
      fail(token.begin, token.end, "'" + std::string(text) + "' is not supported here");
    } else {
      if (at_symbol("(")) {
        fail(token.begin, token.end,
             "unknown function '" + std::string(text) + "' (the functions supported are " +
                 list(kFunctionNames) + " and json." + list(kJsonFunctionNames) + ")");
      }
      made.op = Op::Property;
      made.name = std::string(text);
      program_.property_names.push_back(made.name);
    }
    return add(std::move(made));
  }

  int function_call(const Token &token, Builtin builtin) {
    Node made;
    made.op = Op::Call;
    made.name = std::string(token.text);
    made.builtin = builtin;
    made.begin = token.begin;
    if (!at_symbol("(")) {
      fail(token.begin, token.end,
           "'" + made.name + "' is a function; call it: " + made.name + "(...)");
    }
    made.args = call_arguments();
    made.end = static_cast<std::uint32_t>(previous_end_);
    const std::size_t count = made.args.size();
    const bool optional_argument =
        builtin != Builtin::Md5 && builtin != Builtin::Sha256 && builtin != Builtin::Len;
    if (count > 1 || (count == 0 && !optional_argument)) {
      fail(made.begin, made.end, made.name + "() takes one argument");
    }
    return add(std::move(made));
  }

  int json_call(const Token &token) {
    if (!at_symbol("."))
      fail(token.begin, token.end, "'json' is only usable as json.dumps(...) or json.loads(...)");
    advance();
    const Token function = token_;
    const std::optional<Builtin> builtin = function.kind == TokenKind::Name
                                               ? value_named(kJsonFunctionNames, function.text)
                                               : std::nullopt;
    if (!builtin) {
      fail(function.begin, function.end + 1,
           "unknown function 'json." + std::string(function.text) + "' (supported: json." +
               list(kJsonFunctionNames) + ")");
    }
    advance();
    Node made;
    made.op = Op::Call;
    made.name = "json." + std::string(function.text);
    made.builtin = *builtin;
    made.begin = token.begin;
    made.args = call_arguments();
    made.end = static_cast<std::uint32_t>(previous_end_);
    if (made.args.size() != 1) fail(made.begin, made.end, made.name + "() takes one argument");
    return add(std::move(made));
  }

  // The names, in alphabetical order.
  template <std::size_t N>
  static std::string list(const Named<Builtin> (&names)[N]) {
    std::set<std::string_view> sorted;
    for (const Named<Builtin> &entry : names) sorted.insert(entry.name);
    std::string out;
    for (const std::string_view name : sorted) out += (out.empty() ? "" : ", ") + std::string(name);
    return out;
  }

  Program program_;
  Token token_;
  std::size_t position_ = 0;
  std::size_t previous_end_ = 0;
};

}  // namespace

std::string point_at(const std::string &text, std::uint32_t begin, std::uint32_t end) {
  if (end <= begin) end = begin + 1;
  std::string marker(begin, ' ');
  marker.append(end - begin, '^');
  return "\"" + text + "\"\n   " + text + "\n   " + marker;
}

Program parse_program(std::string_view text) { return Parser(text).run(); }

}  // namespace chorus::maps::detail
