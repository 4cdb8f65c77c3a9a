// A target whose streams share one staged load: warehouse::StagedLoad and what the target adds
// to it (its connection or API client, its dialect, its COPY settings). The load is made when
// the first stream arrives, so that a run without streams connects to nothing.
//
//   class SnowflakeTarget : public warehouse::StagedTarget<SnowflakeLoad, SnowflakeSink> {
//    public:
//     static PluginInfo info();  // warehouse::staged_target_info({name, version, ...}, ...)
//     using StagedTarget::StagedTarget;
//   };
#pragma once

#include <memory>
#include <nlohmann/json.hpp>

#include "chorus/plugin/setting.h"
#include "chorus/plugin/settings.h"
#include "chorus/plugin/target.h"

namespace chorus::warehouse {

// `Load` is constructible from (const nlohmann::json &config, const PluginContext &context);
// `StreamSink` from (StreamInfo, const nlohmann::json &config, const PluginContext &, Load &).
// The class template is header-only.
template <typename Load, typename StreamSink>
class StagedTarget : public Target {
 public:
  using Target::Target;

  // A StreamSink on the run's load; a target with a second kind of sink (Redshift's external
  // tables) overrides this and falls back to it.
  std::unique_ptr<Sink> make_sink(const StreamInfo &stream) override {
    return std::make_unique<StreamSink>(stream, config(), context(), load());
  }

 protected:
  // The run's load, made on first use.
  Load &load() {
    if (!load_) load_ = std::make_unique<Load>(config(), context());
    return *load_;
  }

 private:
  std::unique_ptr<Load> load_;
};

// `target` (name, version, description) with what every staged warehouse target shares: the
// capabilities its sink family implements (ACTIVATE_VERSION, soft and hard deletes, record
// validation) and a settings schema of `own` settings, the S3 staging settings, the
// `warehouse_settings` (sql::warehouse_settings_properties()) and the common target settings.
PluginInfo staged_target_info(PluginInfo target, SettingList own,
                              const nlohmann::json &warehouse_settings);

}  // namespace chorus::warehouse
