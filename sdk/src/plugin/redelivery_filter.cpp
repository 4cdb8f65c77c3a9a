#include "chorus/plugin/redelivery_filter.h"

#include <functional>

namespace chorus::file_output {
namespace {

// The finalizer of MurmurHash3: spreads every input bit over the whole word.
std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xFF51AFD7ED558CCDULL;
  x ^= x >> 33;
  x *= 0xC4CEB9FE1A85EC53ULL;
  x ^= x >> 33;
  return x;
}

}  // namespace

void Digest::add(std::string_view part) {
  add(static_cast<std::uint64_t>(part.size()));
  add(static_cast<std::uint64_t>(std::hash<std::string_view>{}(part)));
}

void Digest::add(std::uint64_t number) {
  state_ = mix(state_ ^ mix(number + 0x632BE59BD9B4E019ULL));
}

std::uint64_t Digest::value() const { return state_; }

bool RedeliveryFilter::admit(std::uint64_t key, std::uint64_t row) {
  if (key == 0) key = 1;
  if ((used_ + 1) * 4 > slots_.size() * 3) grow();
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = static_cast<std::size_t>(mix(key)) & mask;; i = (i + 1) & mask) {
    Slot &slot = slots_[i];
    if (slot.key == key) {
      if (slot.row == row) return false;
      slot.row = row;
      return true;
    }
    if (slot.key == 0) {
      slot = {key, row};
      ++used_;
      return true;
    }
  }
}

void RedeliveryFilter::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
  used_ = 0;
  for (const Slot &slot : old) {
    if (slot.key != 0) admit(slot.key, slot.row);
  }
}

}  // namespace chorus::file_output
