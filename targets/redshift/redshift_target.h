// target-redshift: loads Singer streams into Amazon Redshift through S3 staging and COPY.
#pragma once

#include <memory>

#include "chorus/plugin/settings.h"
#include "chorus/warehouse/staged_target.h"
#include "redshift_load.h"
#include "redshift_sink.h"

namespace chorus::target_redshift {

class RedshiftTarget : public warehouse::StagedTarget<LoadEnvironment, RedshiftSink> {
 public:
  static PluginInfo info();
  using StagedTarget::StagedTarget;
  // A SpectrumSink for a stream listed in external_tables, else a RedshiftSink.
  std::unique_ptr<Sink> make_sink(const StreamInfo &stream) override;
};

}  // namespace chorus::target_redshift
