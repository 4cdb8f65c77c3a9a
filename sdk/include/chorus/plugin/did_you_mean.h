// "did you mean ...?" for names a user typed (a stream in --select, a property in a PII rule).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chorus {

// The candidate closest to `name` by edit distance (case-insensitive), if it is close enough to
// be a likely typo: at most 2 edits, and fewer than half of the name's length. Ties: the first.
std::optional<std::string> closest_name(std::string_view name,
                                        const std::vector<std::string> &candidates);

// " (did you mean 'x'?)" for closest_name(), or "" when nothing is close.
std::string did_you_mean(std::string_view name, const std::vector<std::string> &candidates);

}  // namespace chorus
