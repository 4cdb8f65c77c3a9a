#include "state/s3_state_store.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

#include "chorus/s3/client.h"
#include "chorus/s3/credentials.h"
#include "log.h"

namespace chorus::host {
namespace {

std::string random_token() {
  std::random_device device;
  std::mt19937_64 random(static_cast<std::uint64_t>(device()) << 32 ^ device());
  char text[33];
  std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(random()),
                static_cast<unsigned long long>(random()));
  return text;
}

long long unix_now() { return static_cast<long long>(std::time(nullptr)); }

// How long after its read of "no lock" a rival worker's write of its own lock can still land.
constexpr auto kRivalWriteWindow = std::chrono::milliseconds(500);

bool is_condition_failure(const s3::S3Error &error) {
  return error.status() == 412 || error.status() == 409;
}

// The lease object of one state, held from construction to destruction.
class S3StateLock final : public StateLock {
 public:
  S3StateLock(const s3::ClientConfig &config, std::string lock_key, std::string state_url,
              std::string purpose, int lease_seconds)
      : lease_seconds_(lease_seconds),
        client_(config),
        renewer_client_(config),
        key_(std::move(lock_key)),
        state_url_(std::move(state_url)),
        holder_(StateLockHolder::current(std::move(purpose))),
        token_(random_token()) {
    acquire();
    renewer_ = std::thread([this] { renew_until_released(); });
  }

  ~S3StateLock() override {
    {
      std::lock_guard guard(mutex_);
      releasing_ = true;
    }
    wake_.notify_all();
    renewer_.join();
    try {
      if (still_ours(client_)) client_.delete_object(key_);
    } catch (const std::exception &error) {
      log_warn("state " + state_url_ + ": cannot remove its lock " + lock_url() + " (" +
               error.what() + "); its lease runs out by itself");
    }
  }

  // Throws unless the lock object still carries this holder's token.
  void check_held() {
    std::lock_guard guard(mutex_);
    if (!lost_ && still_ours(client_)) return;
    lost_ = true;
    throw std::runtime_error("state " + state_url_ + ": this run lost its lock " + lock_url() +
                             " (its lease ran out and another worker took it); the state was "
                             "not written, so the other worker's state stands");
  }

 private:
  std::string lock_url() const { return "s3://" + client_.config().bucket + "/" + key_; }

  std::string record() const {
    nlohmann::json record = holder_.to_json();
    record["token"] = token_;
    record["expires_at"] = unix_now() + lease_seconds_;
    return record.dump() + "\n";
  }

  [[noreturn]] void refuse(const nlohmann::json &found) {
    StateLockHolder holder = StateLockHolder::from_json(found);
    std::string where = "its lock is " + lock_url();
    if (found.is_object() && found.contains("expires_at") && found["expires_at"].is_number()) {
      where += ", whose lease runs out within " +
               std::to_string(std::max(0LL, found["expires_at"].get<long long>() - unix_now())) +
               " s unless renewed";
    }
    std::string message = state_in_use_message(state_url_, holder, where);
    throw StateLockedError(message, std::move(holder));
  }

  static bool is_lock_record(const std::string &body) {
    const auto found = nlohmann::json::parse(body, nullptr, false);
    return found.is_object() && found.contains("token");
  }

  bool still_ours(s3::Client &client) {
    auto current = client.get_object_version(key_);
    if (!current) return false;
    auto found = nlohmann::json::parse(current->body, nullptr, false);
    if (!found.is_object() || found.value("token", std::string()) != token_) return false;
    etag_ = current->etag;
    return true;
  }

  void acquire() {
    s3::PutCondition condition;
    condition.only_if_absent = true;
    auto existing = client_.get_object_version(key_);
    // A lock read while its holder writes it may come back torn from a store that writes
    // objects in place (s3rver does): read again before taking a lock that looks like nothing.
    for (int attempt = 0; existing && attempt < 3 && !is_lock_record(existing->body); ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      existing = client_.get_object_version(key_);
    }
    if (existing) {
      auto found = nlohmann::json::parse(existing->body, nullptr, false);
      const long long expires =
          found.is_object() && found.contains("expires_at") && found["expires_at"].is_number()
              ? found["expires_at"].get<long long>()
              : 0;
      StateLockHolder left = StateLockHolder::from_json(found);
      if (expires > unix_now() && !left.dead_on_this_host()) refuse(found);
      log_warn("state " + state_url_ + ": taking over the lock left by " +
               (left.purpose.empty() ? std::string("an unknown holder") : left.describe()) +
               ", which ended without releasing it (killed, crashed or its lease ran out); the "
               "state it stored last is kept");
      condition.only_if_absent = false;
      condition.only_if_etag = existing->etag;
    }
    try {
      etag_ = client_.put_object_if(key_, record(), condition);
    } catch (const s3::S3Error &error) {
      if (!is_condition_failure(error)) throw;
      auto winner = client_.get_object_version(key_);
      refuse(winner ? nlohmann::json::parse(winner->body, nullptr, false) : nlohmann::json());
    }
    if (ignores_conditions()) {
      // Two workers that both found no lock have both written one, and the later write
      // stands. A rival's write follows its read by moments: once they have passed, whoever
      // still finds their own token holds the lock.
      std::this_thread::sleep_for(kRivalWriteWindow);
    }
    // Whose write won, on a server that ignored the condition.
    if (!still_ours(client_)) {
      auto winner = client_.get_object_version(key_);
      refuse(winner ? nlohmann::json::parse(winner->body, nullptr, false) : nlohmann::json());
    }
  }

  // Whether the server ignores conditional writes (s3rver and some S3-compatible stores do;
  // S3 does not): asked to create the lock object "only if absent" right after this worker
  // wrote it, such a server accepts where S3 refuses. Rewrites the same lock on such a server.
  bool ignores_conditions() {
    s3::PutCondition condition;
    condition.only_if_absent = true;
    try {
      etag_ = client_.put_object_if(key_, record(), condition);
      return true;
    } catch (const s3::S3Error &error) {
      if (!is_condition_failure(error)) throw;
      return false;
    }
  }

  void renew_until_released() {
    std::unique_lock guard(mutex_);
    while (!releasing_) {
      wake_.wait_for(guard, std::chrono::seconds(std::max(1, lease_seconds_ / 3)));
      if (releasing_ || lost_) break;
      try {
        if (!still_ours(renewer_client_)) {
          lost_ = true;
          log_warn("state " + state_url_ + ": lock " + lock_url() + " no longer carries this " +
                   "run's token; the run will not write the state again");
          break;
        }
        s3::PutCondition condition;
        condition.only_if_etag = etag_;
        etag_ = renewer_client_.put_object_if(key_, record(), condition);
      } catch (const std::exception &error) {
        // The next renewal tries again; a lease that runs out meanwhile is caught by
        // check_held() before the next state write.
        log_warn("state " + state_url_ + ": cannot renew the lease of " + lock_url() + " (" +
                 error.what() + ")");
      }
    }
  }

  int lease_seconds_;
  s3::Client client_;          // the caller's thread
  s3::Client renewer_client_;  // the renewal thread (a Client is not thread-safe)
  std::string key_;
  std::string state_url_;
  StateLockHolder holder_;
  std::string token_;
  std::string etag_;
  std::atomic<bool> lost_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool releasing_ = false;
  std::thread renewer_;
};

class S3StateStore final : public StateStore {
 public:
  S3StateStore(s3::ClientConfig config, std::string key, int lease_seconds)
      : client_(config),
        config_(std::move(config)),
        key_(std::move(key)),
        lease_seconds_(lease_seconds) {}

  std::string location() const override { return client_.object_url(key_); }

  std::optional<nlohmann::json> read() override {
    auto object = client_.get_object_version(key_);
    if (!object) return std::nullopt;
    return parse_stored_state(object->body, location());
  }

  void write(const nlohmann::json &state) override {
    if (lock_ != nullptr) lock_->check_held();
    client_.put_object(key_, state.dump(2) + "\n", "application/json");
  }

  bool clear() override {
    if (!client_.head_object(key_)) return false;
    client_.delete_object(key_);
    return true;
  }

  std::unique_ptr<StateLock> lock(const std::string &purpose) override {
    auto lock =
        std::make_unique<S3StateLock>(config_, key_ + ".lock", location(), purpose, lease_seconds_);
    lock_ = lock.get();
    return std::make_unique<Handle>(std::move(lock), &lock_);
  }

 private:
  // Forgets the lock in the store when it is released.
  class Handle final : public StateLock {
   public:
    Handle(std::unique_ptr<S3StateLock> lock, S3StateLock **slot)
        : lock_(std::move(lock)), slot_(slot) {}
    ~Handle() override { *slot_ = nullptr; }

   private:
    std::unique_ptr<S3StateLock> lock_;
    S3StateLock **slot_;
  };

  s3::Client client_;
  s3::ClientConfig config_;
  std::string key_;
  int lease_seconds_;
  S3StateLock *lock_ = nullptr;
};

}  // namespace

std::unique_ptr<StateStore> open_s3_state_store(const std::string &url,
                                                const StateStoreOptions &options) {
  const std::string rest = url.substr(5);  // after s3://
  const auto slash = rest.find('/');
  if (slash == std::string::npos || slash == 0 ||
      (slash + 1 == rest.size() && options.state_id.empty())) {
    throw std::runtime_error("state " + url +
                             ": an S3 state is s3://BUCKET/KEY (s3://etl/chorus/orders.json), or "
                             "s3://BUCKET/PREFIX/ for PREFIX/<name>/state.json");
  }
  std::string key = rest.substr(slash + 1);
  if (key.empty() || key.back() == '/') key += options.state_id + "/state.json";
  s3::ClientConfig config;
  config.bucket = rest.substr(0, slash);
  if (!options.s3_region.empty()) config.region = options.s3_region;
  config.endpoint = options.s3_endpoint;
  config.credentials = s3::resolve_credentials({});
  config.max_retries = 3;
  config.request_timeout_ms = 60000;
  return std::make_unique<S3StateStore>(std::move(config), std::move(key),
                                        options.lock_lease_seconds);
}

}  // namespace chorus::host
