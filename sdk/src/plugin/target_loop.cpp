// Target::run, the Singer loop of a target: routes records to per-stream sinks and echoes each
// STATE only once every record before it is drained, so that a resumed run never skips data.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "batch_files.h"
#include "chorus/plugin/errors.h"
#include "chorus/plugin/target.h"
#include "chorus/plugin/target_settings.h"
#include "chorus/singer/errors.h"
#include "chorus/singer/reader.h"
#include "chorus/singer/validator.h"
#include "chorus/singer/writer.h"

namespace chorus {
namespace {

// Every so many records the loop asks whether a background load has finished (a check of the
// future's state, too dear for every record).
constexpr std::int64_t kLoadPollRecords = 1024;

// Runs `body`; an error it raises is raised again, same family, with `describe()` in front,
// so that a sink's failure names the stream and the line it was working on.
template <class Describe, class Body>
void annotated(const Describe &describe, const Body &body) {
  try {
    body();
  } catch (const singer::ProtocolError &) {
    throw;
  } catch (const ConfigError &error) {
    throw ConfigError(describe() + ": " + error.what());
  } catch (const RetryableError &error) {
    throw RetryableError(describe() + ": " + error.what());
  } catch (const std::exception &error) {
    throw FatalError(describe() + ": " + error.what());
  }
}

// RFC 3339 UTC time with milliseconds, formatted again only when the millisecond changes.
// The caller's steady clock reading (taken once per block of input, for the batch wait limit
// too) says whether a millisecond has passed; only then is the wall clock read again.
class ReceiveClock {
 public:
  std::string_view at(std::chrono::steady_clock::time_point steady) {
    const auto steady_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(steady.time_since_epoch()).count();
    if (steady_ms == last_steady_ms_) return text_;
    last_steady_ms_ = steady_ms;
    const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count();
    if (ms != last_ms_) {
      last_ms_ = ms;
      const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
      std::tm utc{};
      gmtime_r(&seconds, &utc);
      char text[64];
      std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                    utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                    static_cast<int>(ms % 1000));
      text_ = text;
    }
    return text_;
  }

 private:
  std::int64_t last_steady_ms_ = -1;
  std::int64_t last_ms_ = -1;
  std::string text_;
};

struct StreamRoute {
  singer::SchemaMessage schema;
  std::unique_ptr<Sink> sink;
  std::optional<singer::RecordValidator> validator;
  bool undrained = false;       // records handed to the sink since its last drain
  std::uint64_t last_line = 0;  // line of the last record handed to the sink
  std::uint64_t records = 0;
  std::set<std::string, std::less<>> warned_undeclared;  // undeclared properties said once
};

class TargetLoop {
 public:
  TargetLoop(Target &target, int in_fd, int out_fd)
      : target_(target),
        reader_(in_fd),
        out_(out_fd),
        validate_(target_settings::kValidateRecords.read(target.config())),
        batch_roots_(target.config()),
        fail_undeclared_(target_settings::kUndeclaredProperties.read(target.config()) == "fail"),
        wait_limit_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(
                target_settings::kBatchWaitLimitSeconds.read(target.config())))),
        // Nanoseconds since the epoch at the start keep _sdc_sequence growing across runs too.
        next_sequence_(std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count()) {}

  void run() {
    singer::Message message;
    while (reader_.next(message)) {
      switch (message.type) {
        case singer::MessageType::Record:
          on_record(message, input_time());
          break;
        case singer::MessageType::Schema:
          on_schema(message);
          break;
        case singer::MessageType::State:
          on_state(message);
          break;
        case singer::MessageType::ActivateVersion:
          on_activate_version(message);
          break;
        case singer::MessageType::Batch:
          on_batch(message);
          break;
      }
    }
    // Finishing may still load (merge a staging table, swap a table), so the last state waits
    // for it too.
    drain_all();
    for (auto &entry : routes_) {
      // Structured bindings cannot be captured by lambdas in C++17.
      const std::string &name = entry.first;
      StreamRoute &route = entry.second;
      annotated([&] { return "finishing stream '" + name + "'"; }, [&] { route.sink->finish(); });
    }
    write_pending_state();
    for (const auto &[name, route] : routes_) {
      target_.context().counter("record_count", static_cast<std::int64_t>(route.records),
                                {{"stream", name}});
    }
    out_.flush();
  }

 private:
  // `now`: when the record arrived, by the steady clock.
  void on_record(const singer::Message &message, std::chrono::steady_clock::time_point now) {
    const singer::RecordView &record = message.record;
    StreamRoute *route = last_route_;
    if (route == nullptr || record.stream != route->schema.stream) {
      const auto it = routes_.find(record.stream);
      if (it == routes_.end()) {
        throw singer::ProtocolError(
            message.line_number,
            "RECORD for stream '" + std::string(record.stream) + "' at line " +
                std::to_string(message.line_number) +
                " arrived before its SCHEMA; the tap must send a SCHEMA message for a stream "
                "before its records");
      }
      route = &it->second;
      last_route_ = route;
    }

    if (route->validator) {
      undeclared_.clear();
      if (auto violation = route->validator->validate(record, &undeclared_)) {
        throw FatalError("RECORD for stream '" + route->schema.stream + "' at line " +
                         std::to_string(message.line_number) +
                         " is invalid: " + violation->to_string() +
                         "; fix the source data or the stream's schema, or set "
                         "validate_records to false");
      }
      for (std::string_view name : undeclared_) on_undeclared(*route, name, message.line_number);
    }

    if (!any_undrained_) oldest_undrained_ = now;
    RecordMeta meta;
    meta.line_number = message.line_number;
    meta.sequence = next_sequence_++;
    meta.received_at = clock_.at(now);
    meta.line = message.line;
    annotated([&] { return describe(*route, message.line_number); },
              [&] { route->sink->process_record(record, meta); });
    route->undrained = true;
    route->last_line = message.line_number;
    ++route->records;
    any_undrained_ = true;

    if (route->sink->is_full() || now - oldest_undrained_ >= wait_limit_) {
      flush_all();
    } else if (loading_.valid() && next_sequence_ % kLoadPollRecords == 0 &&
               loading_.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
      // The background load is done: the STATE it held goes out now, not at the next flush.
      settle();
    }
  }

  // A property the stream's schema does not declare has no column in a table and no place in
  // a CSV header: said once per stream and property, or refused with
  // undeclared_properties "fail". The _sdc_ metadata properties are the target's own.
  void on_undeclared(StreamRoute &route, std::string_view name, std::uint64_t line) {
    if (name.substr(0, 5) == "_sdc_") return;
    if (fail_undeclared_) {
      throw FatalError("RECORD for stream '" + route.schema.stream + "' at line " +
                       std::to_string(line) + " has property '" + std::string(name) +
                       "', which the stream's schema does not declare; declare it in the "
                       "schema, or set undeclared_properties to \"warn\" to load the record "
                       "without it");
    }
    if (!route.warned_undeclared.emplace(name).second) return;
    target_.context().warn("RECORD for stream '" + route.schema.stream + "' at line " +
                           std::to_string(line) + " has property '" + std::string(name) +
                           "', which the stream's schema does not declare: targets that store "
                           "what the schema declares (tables, CSV columns) leave it out. Said "
                           "once per stream and property; undeclared_properties \"fail\" "
                           "refuses such records instead");
  }

  void on_schema(const singer::Message &message) {
    singer::SchemaMessage schema = singer::as_schema(message);
    if (std::string problem = singer::stream_schema_problem(schema.schema); !problem.empty()) {
      throw FatalError("SCHEMA for stream '" + schema.stream + "' at line " +
                       std::to_string(message.line_number) +
                       " is not a valid stream schema: " + problem);
    }
    auto it = routes_.find(schema.stream);
    if (it != routes_.end()) {
      const singer::SchemaMessage &current = it->second.schema;
      if (current.schema == schema.schema && current.key_properties == schema.key_properties &&
          current.bookmark_properties == schema.bookmark_properties) {
        return;  // taps repeat their SCHEMA; the same one changes nothing
      }
      retire(it->first, it->second);
    }
    settle();  // make_sink() may use the connection a background load is using

    StreamRoute fresh;
    std::string where = "stream '" + schema.stream + "' (SCHEMA at line " +
                        std::to_string(message.line_number) + ")";
    annotated([&] { return where; },
              [&] {
                if (validate_) fresh.validator.emplace(schema.schema);
                StreamInfo info{schema.stream, schema.schema, schema.key_properties,
                                schema.bookmark_properties, schema.property_order};
                fresh.sink = target_.make_sink(info);
                if (!fresh.sink)
                  throw FatalError("the target made no sink for it (a bug in the target)");
              });
    fresh.schema = std::move(schema);
    if (it != routes_.end()) {
      fresh.records = it->second.records;
      it->second = std::move(fresh);
    } else {
      routes_.emplace(fresh.schema.stream, std::move(fresh));
    }
    last_route_ = nullptr;
  }

  void on_state(const singer::Message &message) {
    pending_state_ = singer::state_value(message);
    if (any_undrained_) return;
    if (loading_.valid() &&
        loading_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      // Every record before this STATE is loaded or loading: it may go out with that load.
      state_after_loading_ = std::move(pending_state_);
      pending_state_.reset();
      return;
    }
    settle();
    write_pending_state();  // every record before this STATE is committed
  }

  void on_activate_version(const singer::Message &message) {
    const singer::ActivateVersionMessage activate = singer::as_activate_version(message);
    const auto it = routes_.find(activate.stream);
    if (it == routes_.end()) {
      throw singer::ProtocolError(message.line_number, "ACTIVATE_VERSION for stream '" +
                                                           activate.stream + "' at line " +
                                                           std::to_string(message.line_number) +
                                                           " arrived before its SCHEMA");
    }
    StreamRoute &route = it->second;
    drain(it->first, route);
    annotated([&] { return describe(route, message.line_number); },
              [&] { route.sink->activate_version(activate.version); });
    refresh_undrained();
  }

  // Meltano's BATCH: the records are in JSON Lines files; each goes the way of a RECORD (same
  // validation, same sink), numbered with the BATCH message's line.
  void on_batch(const singer::Message &message) {
    const singer::BatchMessage batch = singer::as_batch(message);
    const std::uint64_t batch_line = message.line_number;
    std::string where =
        "BATCH for stream '" + batch.stream + "' at line " + std::to_string(batch_line);
    annotated([&] { return where; },
              [&] {
                for_each_batch_record(
                    batch, batch_roots_,
                    [&](singer::Message &record, const std::string &file, std::uint64_t file_line) {
                      record.line_number = batch_line;
                      annotated(
                          [&] { return "file '" + file + "' line " + std::to_string(file_line); },
                          // Read from its file, not from the input: its own clock reading.
                          [&] { on_record(record, std::chrono::steady_clock::now()); });
                    });
              });
  }

  // Makes the stream's records durable before returning.
  void drain(const std::string &name, StreamRoute &route) {
    settle();
    if (!route.undrained) return;
    annotated([&] { return "draining " + describe_name(name, route.last_line); },
              [&] { route.sink->drain(); });
    route.undrained = false;
  }

  void drain_all() {
    for (auto &[name, route] : routes_) drain(name, route);
    any_undrained_ = false;
  }

  // A batch is full or old enough: sinks that load in the background hand their records to the
  // loader thread (after the previous load finished), the others drain here. The pending STATE
  // goes out once both are done.
  void flush_all() {
    settle();
    std::vector<std::function<void()>> jobs;
    for (auto &[name, route] : routes_) {
      if (!route.undrained) continue;
      if (auto job = route.sink->detach_batch()) {
        std::string where = "draining " + describe_name(name, route.last_line);
        jobs.emplace_back([job = std::move(job), where = std::move(where)] {
          annotated([&] { return where; }, job);
        });
        route.undrained = false;
      } else {
        drain(name, route);
      }
    }
    any_undrained_ = false;
    if (jobs.empty()) {
      write_pending_state();
      return;
    }
    state_after_loading_ = std::move(pending_state_);
    pending_state_.reset();
    loading_ = std::async(std::launch::async, [jobs = std::move(jobs)] {
      for (const auto &job : jobs) job();
    });
  }

  // Waits for the background load (raising its error here) and writes the STATE it was
  // holding back.
  void settle() {
    if (!loading_.valid()) return;
    loading_.get();
    if (state_after_loading_) {
      out_.write_state(*state_after_loading_);
      state_after_loading_.reset();
    }
  }

  // Drains and finishes the sink of a stream whose SCHEMA changed.
  void retire(const std::string &name, StreamRoute &route) {
    drain(name, route);
    annotated([&] { return "finishing stream '" + name + "' before its new SCHEMA"; },
              [&] { route.sink->finish(); });
    refresh_undrained();
  }

  void refresh_undrained() {
    any_undrained_ = false;
    for (const auto &[name, route] : routes_) any_undrained_ = any_undrained_ || route.undrained;
    if (!any_undrained_) write_pending_state();
  }

  void write_pending_state() {
    if (!pending_state_) return;
    out_.write_state(*pending_state_);
    pending_state_.reset();
  }

  // The steady clock when the input's latest block was read: the time a RECORD of the input
  // arrived. The records of one block arrived together; reading the clock for each of them was
  // a few percent of the loop's time.
  std::chrono::steady_clock::time_point input_time() {
    const std::uint64_t bytes_read = reader_.bytes_read();
    if (bytes_read != bytes_at_input_time_) {
      bytes_at_input_time_ = bytes_read;
      input_time_ = std::chrono::steady_clock::now();
    }
    return input_time_;
  }

  static std::string describe_name(const std::string &name, std::uint64_t line) {
    return "stream '" + name + "' (records up to line " + std::to_string(line) + ")";
  }
  static std::string describe(const StreamRoute &route, std::uint64_t line) {
    return "stream '" + route.schema.stream + "', line " + std::to_string(line);
  }

  Target &target_;
  singer::MessageReader reader_;
  singer::MessageWriter out_;
  bool validate_;
  BatchFileRoots batch_roots_;
  bool fail_undeclared_;
  std::vector<std::string_view> undeclared_;  // of the record being checked
  std::chrono::steady_clock::duration wait_limit_;
  std::int64_t next_sequence_;
  ReceiveClock clock_;
  std::uint64_t bytes_at_input_time_ = 0;  // reader_.bytes_read() when input_time_ was taken
  std::chrono::steady_clock::time_point input_time_{};
  std::map<std::string, StreamRoute, std::less<>> routes_;
  StreamRoute *last_route_ = nullptr;
  bool any_undrained_ = false;
  std::chrono::steady_clock::time_point oldest_undrained_{};
  std::optional<nlohmann::json> pending_state_;
  // The batches loading in the background, and the STATE to write once they are committed.
  std::future<void> loading_;
  std::optional<nlohmann::json> state_after_loading_;
};

}  // namespace

void Target::run(int in_fd, int out_fd) {
  TargetLoop loop(*this, in_fd, out_fd);
  loop.run();
}

}  // namespace chorus
