// What a call throws, for the checks that follow: the one form of "this must fail with that
// error" for the doctest cases. A call that throws nothing ends the case with FAIL(`expected`);
// an error of another type goes on up and fails the case as well.
#pragma once

#include <doctest/doctest.h>

#include <exception>
#include <string>
#include <utility>

namespace chorus::testing {

// The error of type Error that `call` throws (a copy: its fields, code and what()).
template <typename Error, typename Call>
Error thrown(Call &&call, const char *expected) {
  try {
    std::forward<Call>(call)();
  } catch (const Error &error) {
    return error;
  }
  FAIL(expected);
  throw;  // not reached: FAIL ends the case
}

// The what() of the error of type Error (any std::exception by default) that `call` throws; for
// errors whose type a copy would lose.
template <typename Error = std::exception, typename Call>
std::string thrown_message(Call &&call, const char *expected) {
  try {
    std::forward<Call>(call)();
  } catch (const Error &error) {
    return error.what();
  }
  FAIL(expected);
  return {};
}

}  // namespace chorus::testing
