// Small Tap, Target and Mapper classes for the tests, and a helper that runs any of them
// through the ABI descriptor exactly as the host does.
#pragma once

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "chorus/plugin/entry.h"
#include "chorus/plugin/errors.h"
#include "printing.h"
#include "test_host.h"

namespace chorus::test {

// --- tap -------------------------------------------------------------------------------------

// "orders": incremental on updated_at; emits `count` records after its bookmark.
class OrdersStream : public Stream {
 public:
  explicit OrdersStream(const nlohmann::json &config) : config_(config) {}
  std::string name() const override { return "orders"; }
  nlohmann::json schema() const override {
    return {{"type", "object"},
            {"properties",
             {{"id", {{"type", "integer"}}},
              {"updated_at", {{"type", "integer"}}},
              {"note", {{"type", {"string", "null"}}}}}},
            {"required", {"id", "note"}}};
  }
  std::vector<std::string> key_properties() const override { return {"id"}; }
  std::vector<std::string> replication_keys() const override { return {"updated_at"}; }
  nlohmann::json stream_metadata() const override {
    return {{"schema-name", "public"}, {"is-view", false}, {"row-count", 3}};
  }
  nlohmann::json property_metadata() const override {
    return {{"id", {{"sql-datatype", "integer"}}}};
  }
  void sync(StreamSync &sync) override {
    const std::string fail = config_.value("fail_with", "");
    if (fail == "std") throw std::runtime_error("disk on fire");
    if (fail == "retryable") throw RetryableError("server busy");
    if (fail == "fatal") throw FatalError("table orders is gone");
    if (fail == "config") throw ConfigError("setting 'count' is too large");
    if (fail == "unknown") throw 42;
    const std::int64_t start =
        sync.bookmark().is_object() ? sync.bookmark().value("updated_at", 0) : 0;
    const std::int64_t count = config_.value("count", 3);
    for (std::int64_t i = start + 1; i <= start + count; ++i) {
      if (sync.stop_requested()) break;
      sync.out().begin_record(sync.stream());
      sync.out().add_int("id", i);
      sync.out().add_int("updated_at", i);
      if (sync.property_selected("note")) sync.out().add_string("note", "n" + std::to_string(i));
      sync.out().end_record();
      sync.count_record();
      sync.set_bookmark({{"updated_at", i}});
    }
  }

 private:
  const nlohmann::json &config_;
};

// "events": not selected by default, full table.
class EventsStream : public Stream {
 public:
  std::string name() const override { return "events"; }
  nlohmann::json schema() const override {
    return {{"type", "object"}, {"properties", {{"kind", {{"type", "string"}}}}}};
  }
  bool selected_by_default() const override { return false; }
  void sync(StreamSync &sync) override {
    sync.out().begin_record(sync.stream());
    sync.out().add_string("kind", "click");
    sync.out().end_record();
    sync.count_record();
  }
};

class FixtureTap : public Tap {
 public:
  static PluginInfo info() {
    return {"tap-fixture",
            "0.1.0",
            "Emits a few orders and events for the tests.",
            {"discover", "catalog", "state", "about"},
            {{"type", "object"},
             {"properties",
              {{"api_key", {{"type", "string"}, {"secret", true}}},
               {"count", {{"type", "integer"}, {"default", 3}}},
               {"fail_with", {{"type", "string"}}}}},
             {"required", {"api_key"}}}};
  }
  FixtureTap(PluginContext context, nlohmann::json config) : Tap(context, std::move(config)) {}
  std::vector<std::unique_ptr<Stream>> discover_streams() override {
    std::vector<std::unique_ptr<Stream>> streams;
    streams.push_back(std::make_unique<OrdersStream>(config()));
    streams.push_back(std::make_unique<EventsStream>());
    return streams;
  }
};

// --- target ----------------------------------------------------------------------------------

// What the journal target's sinks did, in order, for the test to inspect.
struct Journal {
  std::vector<std::string> events;
  std::vector<RecordMeta> metas;
  std::vector<std::string> received_at;
  std::string out_path;  // the target's output, to see which STATEs were written at a drain
  int sinks_made = 0;

  int states_written() const {
    int count = 0;
    for (const auto &message : json_lines(read_file(out_path))) {
      count += message.value("type", "") == "STATE";
    }
    return count;
  }
};
Journal &journal();

// Streams named "background..." load in the background (their drains are journaled with
// "on the loader thread"); "explode" and "background-explode" fail to load.
class JournalSink : public BatchSink {
 public:
  JournalSink(StreamInfo info, const nlohmann::json &config, const PluginContext &context)
      : BatchSink(std::move(info), config, context), loop_thread_(std::this_thread::get_id()) {
    if (stream().rfind("background", 0) == 0) load_in_background();
  }
  void activate_version(std::int64_t version) override {
    journal().events.push_back("activate " + stream() + " " + std::to_string(version));
  }
  void finish() override { journal().events.push_back("finish " + stream()); }

 protected:
  void process_batch(const singer::RecordBatch &batch,
                     const std::vector<RecordMeta> &metas) override {
    if (stream() == "explode" || stream() == "background-explode") {
      throw std::runtime_error("warehouse said no");
    }
    std::string lines;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      lines += (i ? "," : "") + std::to_string(batch.line_number(i));
      journal().metas.push_back(metas[i]);
      journal().received_at.emplace_back(metas[i].received_at);
    }
    journal().events.push_back(
        "drain " + stream() + " lines " + lines + " after " +
        std::to_string(journal().states_written()) + " states" +
        (std::this_thread::get_id() == loop_thread_ ? "" : " on the loader thread"));
  }

 private:
  std::thread::id loop_thread_;
};

class JournalTarget : public Target {
 public:
  static PluginInfo info() {
    return {"target-journal", "0.1.0", "Records what its sinks were asked to do.", {}, {}};
  }
  JournalTarget(PluginContext context, nlohmann::json config)
      : Target(context, std::move(config)) {}
  std::unique_ptr<Sink> make_sink(const StreamInfo &info) override {
    ++journal().sinks_made;
    journal().events.push_back("sink " + info.name);
    return std::make_unique<JournalSink>(info, config(), context());
  }
};

// --- mapper ----------------------------------------------------------------------------------

// Adds a boolean "mapped" property to every stream.
class MarkingMapper : public Mapper {
 public:
  static PluginInfo info() { return {"mapper-marking", "0.1.0", "Marks records.", {}, {}}; }
  MarkingMapper(PluginContext context, nlohmann::json config)
      : Mapper(context, std::move(config)) {}
  void map_schema(singer::SchemaMessage &schema) override {
    schema.schema["properties"]["mapped"] = {{"type", "boolean"}};
  }
  void map_record(const singer::RecordView &record, singer::MessageWriter &out) override {
    out.begin_record(record.stream);
    for (const auto &field : record.fields) out.add_value(field.name, field.value);
    out.add_bool("mapped", true);
    out.end_record();
  }
};

// --- running through the ABI -----------------------------------------------------------------

struct RunResult {
  chorus_status create_status = CHORUS_OK;
  chorus_status run_status = CHORUS_OK;
  std::string output;
  std::vector<nlohmann::json> messages;
};

struct RunOptions {
  std::string input;
  const char *state_json = nullptr;
  const char *catalog_json = nullptr;
  bool full_refresh = false;
};

template <class P>
RunResult run_plugin(TestHost &host, const nlohmann::json &config, const RunOptions &options) {
  const chorus_plugin_v1 *plugin = detail::Entry<P>::descriptor(CHORUS_ABI_MAJOR, CHORUS_ABI_MINOR);
  RunResult result;
  chorus_instance *instance = nullptr;
  result.create_status = plugin->create(host.get(), config.dump().c_str(), &instance);
  if (result.create_status != CHORUS_OK) return result;

  TempFile in(options.input);
  TempFile out;
  journal().out_path = out.path();
  chorus_run_args_v1 args{};
  args.struct_size = sizeof args;
  args.in_fd = plugin->kind == CHORUS_KIND_TAP ? -1 : in.fd();
  args.out_fd = out.fd();
  args.state_json = options.state_json;
  args.catalog_json = options.catalog_json;
  args.full_refresh = options.full_refresh ? 1 : 0;
  result.run_status = plugin->run(instance, &args);
  plugin->destroy(instance);
  result.output = out.read_all();
  if (result.run_status == CHORUS_OK) result.messages = json_lines(result.output);
  return result;
}

}  // namespace chorus::test
