// A few threads that upload staged objects and parts while the compressor keeps working.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "chorus/s3/client.h"

namespace chorus::s3 {

class UploadPool {
 public:
  // Each thread gets its own Client (a Client is not thread-safe). At most `threads` jobs run
  // and at most `threads` more wait, so memory stays bounded by what the jobs hold.
  UploadPool(const ClientConfig &config, std::size_t threads);
  // Drops the jobs still waiting and joins the threads after the running jobs end.
  ~UploadPool();
  UploadPool(const UploadPool &) = delete;
  UploadPool &operator=(const UploadPool &) = delete;

  using Job = std::function<void(Client &)>;
  // Blocks while the pool is full. Rethrows the first failed job's error, if any.
  void submit(Job job);
  // Waits until every submitted job has ended. Rethrows the first failed job's error, if any.
  void wait();
  // Drops the jobs still waiting and waits for the running ones; never throws.
  void cancel() noexcept;

 private:
  void run(Client &client);
  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Job> queue_;
  std::size_t running_ = 0;
  bool stopping_ = false;
  std::exception_ptr error_;
  std::vector<std::unique_ptr<Client>> clients_;
  std::vector<std::thread> threads_;
};

}  // namespace chorus::s3
