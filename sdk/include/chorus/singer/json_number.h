// The JSON number grammar, for text that goes into a message as a number as it is (chorus keeps
// numbers as their text, so a tap or parser checks the grammar instead of converting).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace chorus::singer {

// True when `text` is a number by the RFC 8259 grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][-+]?
// [0-9]+)?, nothing before or after it.
bool is_json_number(std::string_view text);

// The value of `text` when it is an integer in its one canonical spelling ("-12"; not "012",
// "+12", "-0", "12.0" or "1e1") within int64: the form in which two texts are equal exactly
// when their numbers are. Otherwise none.
std::optional<std::int64_t> canonical_integer(std::string_view text);

}  // namespace chorus::singer
