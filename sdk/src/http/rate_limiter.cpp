#include "chorus/http/rate_limiter.h"

#include <algorithm>
#include <thread>

namespace chorus::http {

RateLimiter::RateLimiter(double requests_per_second, std::function<void(Clock::duration)> sleep)
    : requests_per_second_(requests_per_second), sleep_(std::move(sleep)) {
  if (requests_per_second_ > 0) {
    interval_ = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(1.0 / requests_per_second_));
  }
  if (!sleep_) sleep_ = [](Clock::duration d) { std::this_thread::sleep_for(d); };
}

void RateLimiter::acquire() {
  if (requests_per_second_ <= 0) return;
  auto now = Clock::now();
  if (now < next_slot_) {
    sleep_(next_slot_ - now);
    now = std::max(Clock::now(), next_slot_);
  }
  // Slots are spaced from the later of now and the booked slot: an idle client earns no burst.
  next_slot_ = now + interval_;
}

}  // namespace chorus::http
