// Workers that lock one S3 state at the same instant, against the test S3 server (s3rver, which
// ignores conditional writes): never two holders at once.
#include <doctest/doctest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "../service_env.h"
#include "state/s3_state_store.h"
#include "state/state_lock.h"

using namespace chorus::host;
using chorus::testing::env;

TEST_CASE("workers locking one S3 state at the same instant get it one at a time") {
  if (!chorus::testing::have_services({chorus::testing::Service::S3})) return;
  ::setenv("AWS_ACCESS_KEY_ID", env("CHORUS_TEST_S3_ACCESS_KEY_ID").c_str(), 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", env("CHORUS_TEST_S3_SECRET_ACCESS_KEY").c_str(), 1);
  ::unsetenv("AWS_SESSION_TOKEN");
  StateStoreOptions options;
  options.s3_endpoint = env("CHORUS_TEST_S3_ENDPOINT");
  options.s3_region =
      env("CHORUS_TEST_S3_REGION").empty() ? "us-east-1" : env("CHORUS_TEST_S3_REGION");
  const std::string url = "s3://" + env("CHORUS_TEST_S3_BUCKET") + "/lock-race-" +
                          std::to_string(::getpid()) + "/state.json";
  constexpr int kWorkers = 3;
  constexpr int kRounds = 6;
  int most_at_once = 0;
  int rounds_with_a_holder = 0;
  for (int round = 0; round < kRounds; ++round) {
    std::atomic<int> ready{0};
    std::atomic<int> holding{0};
    std::atomic<int> peak{0};
    std::atomic<int> granted{0};
    std::vector<std::thread> workers;
    for (int worker = 0; worker < kWorkers; ++worker) {
      workers.emplace_back([&] {
        auto store = open_s3_state_store(url, options);
        ++ready;
        while (ready.load() < kWorkers) std::this_thread::yield();  // all start together
        try {
          auto lock = store->lock("chorus run racer");
          ++granted;
          const int now = ++holding;
          int seen = peak.load();
          while (now > seen && !peak.compare_exchange_weak(seen, now)) {
          }
          // Held while the others finish trying, so that two grants would overlap here.
          std::this_thread::sleep_for(std::chrono::milliseconds(1500));
          --holding;
        } catch (const StateLockedError &) {
          // the others' share: refused while one holds it
        }
      });
    }
    for (auto &worker : workers) worker.join();
    most_at_once = std::max(most_at_once, peak.load());
    if (granted.load() >= 1) ++rounds_with_a_holder;
  }
  CHECK(most_at_once == 1);
  CHECK(rounds_with_a_holder == kRounds);
}
