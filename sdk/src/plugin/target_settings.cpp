// The settings every target shares, declared once.
#include <cstdint>

#include "batch_files.h"
#include "chorus/plugin/mapper.h"
#include "chorus/plugin/target.h"

namespace chorus {

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
  nlohmann::json settings = {
      {"type", "object"},
      {"properties",
       {{"validate_records",
         {{"type", "boolean"},
          {"default", true},
          {"description", "Check every record against its stream's JSON Schema."}}},
        {"batch_size_rows",
         {{"type", "integer"},
          {"default", 100000},
          {"minimum", 1},
          {"description", "Drain a stream's batch once it holds this many records."}}},
        {"batch_size_bytes",
         {{"type", "integer"},
          {"default", std::int64_t{64} << 20},
          {"minimum", 1},
          {"description", "Drain a stream's batch once its records take this many bytes."}}},
        {"batch_wait_limit_seconds",
         {{"type", "number"},
          {"default", 60},
          {"minimum", 0},
          {"description",
           "Drain every stream once the oldest undrained record is this old, so that state "
           "advances on slow inputs."}}},
        {"undeclared_properties",
         {{"type", "string"},
          {"enum", {"warn", "fail"}},
          {"default", "warn"},
          {"description",
           "What to do with a record property its stream's schema does not declare (only "
           "checked while validate_records is on): \"warn\" once per stream and property "
           "and load the record without it where the target stores by schema, or "
           "\"fail\"."}}},
        {"add_record_metadata",
         {{"type", "boolean"},
          {"default", true},
          {"description", "Add the _sdc_* metadata columns to every loaded row."}}},
        {"hard_delete",
         {{"type", "boolean"},
          {"default", false},
          {"description",
           "On ACTIVATE_VERSION, delete rows of older versions instead of marking them "
           "deleted."}}}}}};
  return with_settings_of(std::move(settings), batch_file_settings());
}

nlohmann::json with_common_target_settings(nlohmann::json settings_schema) {
  return with_settings_of(std::move(settings_schema), common_target_settings());
}

nlohmann::json with_common_mapper_settings(nlohmann::json settings_schema) {
  return with_settings_of(std::move(settings_schema), batch_file_settings());
}

}  // namespace chorus
