// A minimal tap built as a module with hidden visibility, exactly like a real plugin.
#include "chorus/plugin/entry.h"
#include "numbers_stream.h"

namespace {

class TwoNumbers : public chorus::test::NumbersStream {
 public:
  void sync(chorus::StreamSync &sync) override {
    for (int n = 1; n <= 2; ++n) {
      write_number(sync, n);
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
      : Tap(context, std::move(config)) {}
  std::vector<std::unique_ptr<chorus::Stream>> discover_streams() override {
    std::vector<std::unique_ptr<chorus::Stream>> streams;
    streams.push_back(std::make_unique<TwoNumbers>());
    return streams;
  }
};

}  // namespace

CHORUS_PLUGIN(HiddenTap)
