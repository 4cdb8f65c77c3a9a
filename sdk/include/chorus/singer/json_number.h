// The JSON number grammar, for text that goes into a message as a number as it is (chorus keeps
// numbers as their text, so a tap or parser checks the grammar instead of converting).
#pragma once

#include <string_view>

namespace chorus::singer {

// True when `text` is a number by the RFC 8259 grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][-+]?
// [0-9]+)?, nothing before or after it.
bool is_json_number(std::string_view text);

}  // namespace chorus::singer
