#include "chorus/plugin/did_you_mean.h"

#include <algorithm>
#include <cctype>

namespace chorus {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string> closest_name(std::string_view name,
                                        const std::vector<std::string> &candidates,
                                        std::optional<std::size_t> max_distance) {
  const std::size_t limit =
      max_distance ? *max_distance : std::max<std::size_t>(2, name.size() / 3);
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const std::string &candidate : candidates) {
    const std::size_t distance = edit_distance(name, candidate);
    if (distance > limit) continue;
    if (!best || distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view name, const std::vector<std::string> &candidates) {
  std::optional<std::string> close = closest_name(name, candidates);
  return close ? " (did you mean '" + *close + "'?)" : "";
}

}  // namespace chorus
