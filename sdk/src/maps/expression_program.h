// The parsed form of a stream map expression: a tree of nodes in one vector, built by the
// parser (expression_parser.cpp) and walked by the evaluator (expression_eval.cpp).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "chorus/maps/expression.h"
#include "chorus/plugin/named_values.h"

namespace chorus::maps::detail {

enum class Op : std::uint8_t {
  Literal,      // value
  Property,     // bare property name: name
  RecordName,   // record, _
  ConfigName,   // config
  StreamName,   // __stream_name__
  SelfName,     // self
  ListLiteral,  // args
  Negate,
  Not,
  And,  // args (two or more), Python's value-returning and/or
  Or,
  Add,
  Subtract,
  Multiply,
  Divide,
  FloorDivide,
  Modulo,
  Power,
  Compare,      // args: operands; compare_ops: one per pair (chained comparisons)
  Conditional,  // args: body, condition, orelse
  Subscript,    // args: object, index
  Slice,        // args: object, start, stop (an absent bound is -1)
  Call,         // name: function; args
  Method,       // name: method; args[0] is the object
};

// How the arithmetic operators are spelled, for the parser that reads them and the error
// messages that name them.
inline constexpr Named<Op> kArithmeticSymbols[] = {
    {Op::Add, "+"},          {Op::Subtract, "-"}, {Op::Multiply, "*"}, {Op::Divide, "/"},
    {Op::FloorDivide, "//"}, {Op::Modulo, "%"},   {Op::Power, "**"}};

enum class CompareOp : std::uint8_t {
  Eq,
  NotEq,
  Less,
  LessEq,
  Greater,
  GreaterEq,
  In,
  NotIn,
  Is,
  IsNot
};

// The functions and string methods an expression may call. The parser resolves a call's name
// once, so that evaluating a record's expressions compares no names.
enum class Builtin : std::uint8_t {
  None,
  // functions
  Int,
  Float,
  Str,
  Bool,
  Md5,
  Sha256,
  Len,
  JsonDumps,
  JsonLoads,
  // methods
  Lower,
  Upper,
  Strip,
  Lstrip,
  Rstrip,
  Split,
  Replace,
  Startswith,
  Endswith,
  Get,
};

inline constexpr Named<Builtin> kFunctionNames[] = {
    {Builtin::Int, "int"},   {Builtin::Float, "float"}, {Builtin::Str, "str"},
    {Builtin::Bool, "bool"}, {Builtin::Md5, "md5"},     {Builtin::Sha256, "sha256"},
    {Builtin::Len, "len"}};
inline constexpr Named<Builtin> kJsonFunctionNames[] = {{Builtin::JsonDumps, "dumps"},
                                                        {Builtin::JsonLoads, "loads"}};
inline constexpr Named<Builtin> kMethodNames[] = {
    {Builtin::Lower, "lower"},       {Builtin::Upper, "upper"},
    {Builtin::Strip, "strip"},       {Builtin::Lstrip, "lstrip"},
    {Builtin::Rstrip, "rstrip"},     {Builtin::Split, "split"},
    {Builtin::Replace, "replace"},   {Builtin::Startswith, "startswith"},
    {Builtin::Endswith, "endswith"}, {Builtin::Get, "get"}};

struct Node {
  Op op = Op::Literal;
  std::uint32_t begin = 0, end = 0;  // the node's text in the expression, for error messages
  Value literal;
  std::string name;
  Builtin builtin = Builtin::None;  // Call, Method: what `name` calls
  std::vector<int> args;
  std::vector<CompareOp> compare_ops;
};

struct Program {
  std::string text;
  std::vector<Node> nodes;
  std::deque<std::string> string_literals;  // storage the literals' views point into (never moves)
  int root = -1;
  std::vector<std::string> property_names;
  std::string plain_property;
};

// Parses `text` into a Program; throws ConfigError pointing at the offending part.
Program parse_program(std::string_view text);

// The error message that quotes the expression and marks [begin, end) under it.
std::string point_at(const std::string &text, std::uint32_t begin, std::uint32_t end);

}  // namespace chorus::maps::detail
