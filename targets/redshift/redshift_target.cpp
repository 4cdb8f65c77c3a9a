#include "redshift_target.h"

#include "chorus/sql/warehouse_load.h"
#include "redshift_settings.h"
#include "spectrum_sink.h"

namespace chorus::target_redshift {

PluginInfo RedshiftTarget::info() {
  return warehouse::staged_target_info(
      {"target-redshift", "0.1.0",
       "Loads Singer streams into Amazon Redshift: CSV staged in S3, COPY, then de-duplicated "
       "upserts."},
      redshift_setting_list().add({{"external_tables", external_tables_settings_schema()}}),
      sql::warehouse_settings_properties(
          "public", R"("analytics": ["GROUP analysts", "ROLE reporting", "alice"])"));
}

std::unique_ptr<Sink> RedshiftTarget::make_sink(const StreamInfo &stream) {
  LoadEnvironment &load = this->load();
  const auto external = config().find("external_tables");
  if (external != config().end() && external->is_object() && external->contains(stream.name)) {
    return std::make_unique<SpectrumSink>(
        stream, config(), context(), load,
        ExternalTableSettings::from_config(stream.name, (*external)[stream.name], config(), load));
  }
  return StagedTarget::make_sink(stream);
}

}  // namespace chorus::target_redshift
