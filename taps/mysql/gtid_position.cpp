#include "gtid_position.h"

#include <charconv>

namespace chorus::tap_mysql {
namespace {

// The decimal number at the front of `text`, which it then leaves out.
template <typename Number>
bool take_number(std::string_view &text, Number &number) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end == text.data()) return false;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return true;
}

bool take_char(std::string_view &text, char c) {
  if (text.empty() || text.front() != c) return false;
  text.remove_prefix(1);
  return true;
}

}  // namespace

std::optional<GtidPosition> GtidPosition::parse(std::string_view text) {
  GtidPosition position;
  while (!text.empty()) {
    std::uint32_t domain = 0;
    Gtid gtid;
    if (!take_number(text, domain) || !take_char(text, '-') || !take_number(text, gtid.server) ||
        !take_char(text, '-') || !take_number(text, gtid.sequence)) {
      return std::nullopt;
    }
    // One GTID per domain, as the server writes it.
    if (!position.last_.emplace(domain, gtid).second) return std::nullopt;
    if (!text.empty() && (!take_char(text, ',') || text.empty())) return std::nullopt;
  }
  return position;
}

void GtidPosition::commit(std::uint32_t domain, std::uint32_t server, std::uint64_t sequence) {
  last_[domain] = Gtid{server, sequence};
}

std::string GtidPosition::text() const {
  std::string text;
  for (const auto &[domain, gtid] : last_) {
    if (!text.empty()) text += ',';
    text += std::to_string(domain) + '-' + std::to_string(gtid.server) + '-' +
            std::to_string(gtid.sequence);
  }
  return text;
}

}  // namespace chorus::tap_mysql
