// target-redshift: loads Singer streams into Amazon Redshift through S3 staging and COPY.
#pragma once

#include <memory>

#include "chorus/plugin/settings.h"
#include "chorus/plugin/target.h"
#include "redshift_load.h"

namespace chorus::target_redshift {

class RedshiftTarget : public Target {
 public:
  static PluginInfo info();

  RedshiftTarget(PluginContext context, nlohmann::json config)
      : Target(std::move(context), std::move(config)) {}

  std::unique_ptr<Sink> make_sink(const StreamInfo &stream) override;

 private:
  std::unique_ptr<LoadEnvironment> load_;
};

}  // namespace chorus::target_redshift
