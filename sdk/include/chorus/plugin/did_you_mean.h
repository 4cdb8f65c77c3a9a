// "did you mean ...?" for names a user typed (a setting, a stream in --select, a property in a
// PII rule).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chorus {

// Edit distance (insertions, deletions, substitutions), ignoring ASCII case.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `name` by edit distance, if within `max_distance` edits (default:
// max(2, a third of the name's length), enough for a typo or two). Ties: the first.
std::optional<std::string> closest_name(std::string_view name,
                                        const std::vector<std::string> &candidates,
                                        std::optional<std::size_t> max_distance = std::nullopt);

// " (did you mean 'x'?)" for closest_name(), or "" when nothing is close.
std::string did_you_mean(std::string_view name, const std::vector<std::string> &candidates);

}  // namespace chorus
