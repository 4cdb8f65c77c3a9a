// The functions and string methods of stream map expressions (expression_functions.cpp).
#pragma once

#include <string_view>
#include <vector>

#include "chorus/maps/expression.h"
#include "maps/expression_program.h"

namespace chorus::maps::detail {

// `function` is what the parser resolved `name` (int, float, str, bool, md5, sha256, len,
// json.dumps, json.loads) to; `name` is for messages. Throws EvaluationError saying what is
// wrong with the argument; the caller adds where.
Value call_function(Builtin function, std::string_view name, const std::vector<Value> &args,
                    Scratch &scratch);
// args[0] is the object.
Value call_method(Builtin method, std::string_view name, const std::vector<Value> &args,
                  Scratch &scratch);

// Python's ==.
bool equal(const Value &a, const Value &b);
// Python's <, as -1/0/1; throws EvaluationError when the types do not order.
int order(const Value &a, const Value &b, std::string_view op);

}  // namespace chorus::maps::detail
