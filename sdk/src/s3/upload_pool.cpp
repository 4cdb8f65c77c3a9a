#include "s3/upload_pool.h"

#include <utility>

namespace chorus::s3 {

UploadPool::UploadPool(const ClientConfig &config, std::size_t threads)
    : capacity_(threads == 0 ? 1 : threads) {
  for (std::size_t i = 0; i < capacity_; ++i) {
    clients_.push_back(std::make_unique<Client>(config));
  }
  for (std::size_t i = 0; i < capacity_; ++i) {
    Client &client = *clients_[i];
    threads_.emplace_back([this, &client] { run(client); });
  }
}

UploadPool::~UploadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    queue_.clear();
    changed_.notify_all();
  }
  for (std::thread &thread : threads_) thread.join();
}

void UploadPool::submit(Job job) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return queue_.size() < capacity_ || error_; });
  if (error_) std::rethrow_exception(error_);
  queue_.push_back(std::move(job));
  changed_.notify_all();
}

void UploadPool::wait() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return (queue_.empty() && running_ == 0) || error_; });
  if (error_) {
    // Let the running jobs end before the caller cleans up what they may have stored.
    queue_.clear();
    changed_.wait(lock, [&] { return running_ == 0; });
    std::rethrow_exception(error_);
  }
}

void UploadPool::cancel() noexcept {
  std::unique_lock<std::mutex> lock(mutex_);
  queue_.clear();
  changed_.notify_all();
  changed_.wait(lock, [&] { return running_ == 0; });
}

void UploadPool::run(Client &client) {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return !queue_.empty() || stopping_; });
    if (stopping_) return;
    Job job = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    changed_.notify_all();
    lock.unlock();
    std::exception_ptr failure;
    try {
      job(client);
    } catch (...) {
      failure = std::current_exception();
    }
    job = nullptr;  // frees the job's buffer before the next one is taken
    lock.lock();
    --running_;
    if (failure && !error_) error_ = failure;
    if (error_) {
      queue_.clear();
    }
    changed_.notify_all();
  }
}

}  // namespace chorus::s3
