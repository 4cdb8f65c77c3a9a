// How target-sqlite stores one JSON number so that it reads back as the same number. SQLite
// has no decimal type; a column without affinity keeps each value in the storage class it is
// bound with, so each number gets the first that gives back its digits as sent:
//   INTEGER  an integer that fits 64 bits ("-42", "9223372036854775807")
//   REAL     a number whose double prints (shortest form) as the very text sent ("0.5", "-0",
//            "1e+300")
//   TEXT     anything else, digit for digit ("1234.50", "1.5E+3", "1180591620717411303425",
//            "1e999", "1e-999", "0.1000000000000000055511151231257827")
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>

namespace chorus::target_sqlite {

// The text itself (kept as it was sent) when neither an int64 nor a double holds it exactly.
using StoredNumber = std::variant<std::int64_t, double, std::string_view>;

StoredNumber stored_number(std::string_view json_number);

// The value of an integer JSON number that fits 64 bits ("12", "12.000"); nullopt-like false
// when it does not.
bool integer_value(std::string_view json_number, std::int64_t &out);

}  // namespace chorus::target_sqlite
