// A minimal tap built as a module with hidden visibility, exactly like a real plugin.
#include "chorus/plugin/entry.h"

namespace {

class NumbersStream : public chorus::Stream {
 public:
  std::string name() const override { return "numbers"; }
  nlohmann::json schema() const override {
    return {{"type", "object"}, {"properties", {{"n", {{"type", "integer"}}}}}};
  }
  void sync(chorus::StreamSync &sync) override {
    for (int n = 1; n <= 2; ++n) {
      sync.out().begin_record(sync.stream());
      sync.out().add_int("n", n);
      sync.out().end_record();
      sync.count_record();
    }
  }
};

class HiddenTap : public chorus::Tap {
 public:
  static chorus::PluginInfo info() {
    return {"tap-hidden",
            "1.0.0",
            "Two numbers.",
            {"discover"},
            {{"type", "object"}, {"properties", {{"label", {{"type", "string"}}}}}}};
  }
  HiddenTap(chorus::PluginContext context, nlohmann::json config)
      : Tap(std::move(context), std::move(config)) {}
  std::vector<std::unique_ptr<chorus::Stream>> discover_streams() override {
    std::vector<std::unique_ptr<chorus::Stream>> streams;
    streams.push_back(std::make_unique<NumbersStream>());
    return streams;
  }
};

}  // namespace

CHORUS_PLUGIN(HiddenTap)
