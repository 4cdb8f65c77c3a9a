// A target whose streams share one staged load: warehouse::StagedLoad and what the target adds
// to it (its connection or API client, its dialect, its COPY settings). The load is made when
// the first stream arrives, so that a run without streams connects to nothing.
// Header-only: a template over the target's load type.
#pragma once

#include <memory>

#include "chorus/plugin/target.h"

namespace chorus::warehouse {

// `Load` is constructible from (const nlohmann::json &config, const PluginContext &context).
template <typename Load>
class StagedTarget : public Target {
 public:
  using Target::Target;

 protected:
  // The run's load, made on first use.
  Load &load() {
    if (!load_) load_ = std::make_unique<Load>(config(), context());
    return *load_;
  }

 private:
  std::unique_ptr<Load> load_;
};

}  // namespace chorus::warehouse
