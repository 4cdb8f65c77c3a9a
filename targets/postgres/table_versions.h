// Which table versions (ACTIVATE_VERSION) the rows a sink sent carry. Header-only.
#pragma once

#include <cstdint>
#include <optional>

namespace chorus::target_postgres {

class TableVersionsSeen {
 public:
  // A row without a version makes the set mixed.
  void add(const std::optional<std::int64_t> &version) {
    if (!version || (seen_ && *seen_ != *version)) mixed_ = true;
    seen_ = version;
  }
  // True when every row added so far (possibly none) carries `version`.
  bool only(std::int64_t version) const { return !mixed_ && (!seen_ || *seen_ == version); }

 private:
  std::optional<std::int64_t> seen_;
  bool mixed_ = false;
};

}  // namespace chorus::target_postgres
