// target-redshift: loads Singer streams into Amazon Redshift through S3 staging and COPY.
#pragma once

#include <memory>

#include "chorus/plugin/settings.h"
#include "chorus/warehouse/staged_target.h"
#include "redshift_load.h"

namespace chorus::target_redshift {

class RedshiftTarget : public warehouse::StagedTarget<LoadEnvironment> {
 public:
  static PluginInfo info();
  using StagedTarget::StagedTarget;
  std::unique_ptr<Sink> make_sink(const StreamInfo &stream) override;
};

}  // namespace chorus::target_redshift
