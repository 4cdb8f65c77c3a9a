// The settings every target shares, declared once.
#include "chorus/plugin/target_settings.h"

#include <cstdint>

#include "batch_files.h"
#include "chorus/plugin/mapper.h"
#include "chorus/plugin/target.h"

namespace chorus {

namespace target_settings {

const Setting<bool> kValidateRecords =
    Setting<bool>("validate_records", "Check every record against its stream's JSON Schema.")
        .defaults_to(true);
const Setting<std::int64_t> kBatchSizeRows =
    Setting<std::int64_t>("batch_size_rows",
                          "Drain a stream's batch once it holds this many records.")
        .defaults_to(100000)
        .at_least(1);
const Setting<std::int64_t> kBatchSizeBytes =
    Setting<std::int64_t>("batch_size_bytes",
                          "Drain a stream's batch once its records take this many bytes.")
        .defaults_to(std::int64_t{64} << 20)
        .at_least(1);
const Setting<double> kBatchWaitLimitSeconds =
    Setting<double>("batch_wait_limit_seconds",
                    "Drain every stream once the oldest undrained record is this old, so that "
                    "state advances on slow inputs.")
        .defaults_to(60)
        .at_least(0);
const Setting<std::string> kUndeclaredProperties =
    Setting<std::string>(
        "undeclared_properties",
        "What to do with a record property its stream's schema does not declare (only checked "
        "while validate_records is on): \"warn\" once per stream and property and load the "
        "record without it where the target stores by schema, or \"fail\".")
        .one_of({"warn", "fail"})
        .defaults_to("warn");
const Setting<bool> kAddRecordMetadata =
    Setting<bool>("add_record_metadata", "Add the _sdc_* metadata columns to every loaded row.")
        .defaults_to(true);
const Setting<bool> kHardDelete =
    Setting<bool>("hard_delete",
                  "On ACTIVATE_VERSION, delete rows of older versions instead of marking them "
                  "deleted.")
        .defaults_to(false);

std::size_t positive_or_default(const Setting<std::int64_t> &bound, const nlohmann::json &config) {
  const std::int64_t value = bound.read(config);
  return static_cast<std::size_t>(value > 0 ? value : *bound.default_value());
}

}  // namespace target_settings

namespace {

nlohmann::json with_settings_of(nlohmann::json settings_schema, const nlohmann::json &common) {
  if (!settings_schema.is_object()) settings_schema = nlohmann::json::object();
  if (!settings_schema.contains("type")) settings_schema["type"] = "object";
  auto &properties = settings_schema["properties"];
  if (!properties.is_object()) properties = nlohmann::json::object();
  for (const auto &[name, schema] : common["properties"].items()) {
    if (!properties.contains(name)) properties[name] = schema;
  }
  return settings_schema;
}

}  // namespace

nlohmann::json common_target_settings() {
  using namespace target_settings;
  const SettingList settings{
      &kValidateRecords,      &kBatchSizeRows,     &kBatchSizeBytes, &kBatchWaitLimitSeconds,
      &kUndeclaredProperties, &kAddRecordMetadata, &kHardDelete};
  return with_settings_of(settings.schema(), batch_file_settings());
}

nlohmann::json with_common_target_settings(nlohmann::json settings_schema) {
  return with_settings_of(std::move(settings_schema), common_target_settings());
}

nlohmann::json with_common_mapper_settings(nlohmann::json settings_schema) {
  return with_settings_of(std::move(settings_schema), batch_file_settings());
}

}  // namespace chorus
