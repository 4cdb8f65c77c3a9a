// What the evaluator shares with the value helpers (expression_values.cpp).
#pragma once

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "chorus/maps/expression.h"

namespace chorus::maps {

// An element of a JSON document (config, json.loads()) as a value; objects and arrays are
// views of the document.
Value value_of(const nlohmann::json &element);
// Python's str() of a float: shortest round-trip digits, with ".0" when whole.
void append_float(std::string &out, double real);
// Python's numbers: bool, int, float, Decimal.
bool is_numeric(const Value &value);
// A numeric value as a double (a Decimal rounded to the nearest).
double to_double(const Value &value);
// Characters (code points) of UTF-8 text, as Python's len() counts them.
std::size_t code_points(std::string_view text);
// Compact JSON of a value (json.dumps(); Python's default separators add a space after , and :).
// Throws EvaluationError for what JSON cannot carry.
void append_json(std::string &out, const Value &value);

}  // namespace chorus::maps
