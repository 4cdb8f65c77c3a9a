// target-redshift's own settings, declared once; the files that read them include this header.
// The S3 staging, warehouse and common target settings are the SDK's.
#pragma once

#include <string>

#include "chorus/plugin/setting.h"

namespace chorus::target_redshift {

extern const Setting<std::string> kHost;
extern const Setting<int> kPort;
extern const Setting<std::string> kDbname;
extern const Setting<std::string> kUser;
extern const Setting<std::string> kPassword;
extern const Setting<std::string> kSslmode;
extern const Setting<int> kConnectTimeout;
extern const Setting<std::string> kIamRole;
extern const Setting<bool> kVacuumAfterLoad;
extern const Setting<bool> kAnalyzeAfterLoad;
extern const Setting<std::string> kLongText;      // "refuse" or "truncate"
extern const Setting<std::string> kCopyExecutor;  // "redshift" or "postgres-standin"

// All of the above, and iam_auth.
SettingList redshift_setting_list();

}  // namespace chorus::target_redshift
