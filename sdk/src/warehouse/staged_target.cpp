#include "chorus/warehouse/staged_target.h"

#include "chorus/s3/staging_settings.h"

namespace chorus::warehouse {

PluginInfo staged_target_info(PluginInfo target, SettingList own,
                              const nlohmann::json &warehouse_settings) {
  target.capabilities = {"about", "activate-version", "soft-delete", "hard-delete",
                         "validate-records"};
  target.settings = with_common_target_settings(
      own.add(s3::staging_setting_list()).add(warehouse_settings).schema());
  return target;
}

}  // namespace chorus::warehouse
