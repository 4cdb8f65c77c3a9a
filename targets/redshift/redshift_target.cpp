#include "redshift_target.h"

#include "chorus/s3/staging_settings.h"
#include "chorus/sql/warehouse_load.h"
#include "redshift_settings.h"
#include "redshift_sink.h"
#include "spectrum_sink.h"

namespace chorus::target_redshift {

PluginInfo RedshiftTarget::info() {
  return {"target-redshift",
          "0.1.0",
          "Loads Singer streams into Amazon Redshift: CSV staged in S3, COPY, then de-duplicated "
          "upserts.",
          {"about", "activate-version", "soft-delete", "hard-delete", "validate-records"},
          with_common_target_settings(
              redshift_setting_list()
                  .add(s3::staging_setting_list())
                  .add(sql::warehouse_settings_properties(
                      "public", R"("analytics": ["GROUP analysts", "ROLE reporting", "alice"])"))
                  .add({{"external_tables", external_tables_settings_schema()}})
                  .schema())};
}

std::unique_ptr<Sink> RedshiftTarget::make_sink(const StreamInfo &stream) {
  LoadEnvironment &load = this->load();
  const auto external = config().find("external_tables");
  if (external != config().end() && external->is_object() && external->contains(stream.name)) {
    return std::make_unique<SpectrumSink>(
        stream, config(), context(), load,
        ExternalTableSettings::from_config(stream.name, (*external)[stream.name], config(), load));
  }
  return std::make_unique<RedshiftSink>(stream, config(), context(), load);
}

}  // namespace chorus::target_redshift
