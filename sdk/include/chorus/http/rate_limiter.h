// Spaces requests so that at most N start per second.
#pragma once

#include <chrono>
#include <functional>

namespace chorus::http {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  // `requests_per_second` <= 0 means unlimited. `sleep` defaults to std::this_thread::sleep_for;
  // tests pass their own.
  explicit RateLimiter(double requests_per_second, std::function<void(Clock::duration)> sleep = {});

  // Blocks until the next request may start, then books that slot.
  void acquire();
  double requests_per_second() const { return requests_per_second_; }

 private:
  double requests_per_second_;
  Clock::duration interval_{};
  Clock::time_point next_slot_{};
  std::function<void(Clock::duration)> sleep_;
};

}  // namespace chorus::http
