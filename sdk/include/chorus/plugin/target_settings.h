// The settings every target accepts, declared once. CHORUS_PLUGIN adds them to each target's
// settings schema (see common_target_settings() in target.h); a target or sink reads them here:
//
//   const bool metadata = target_settings::kAddRecordMetadata.read(config());
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "chorus/plugin/setting.h"

namespace chorus::target_settings {

extern const Setting<bool> kValidateRecords;
extern const Setting<std::int64_t> kBatchSizeRows;
extern const Setting<std::int64_t> kBatchSizeBytes;
extern const Setting<double> kBatchWaitLimitSeconds;
extern const Setting<std::string> kUndeclaredProperties;  // "warn" or "fail"
extern const Setting<bool> kAddRecordMetadata;
extern const Setting<bool> kHardDelete;

// A batch bound (kBatchSizeRows, kBatchSizeBytes) as a count: 0 or less would drain after every
// record, so it means the declared default instead.
std::size_t positive_or_default(const Setting<std::int64_t> &bound, const nlohmann::json &config);

}  // namespace chorus::target_settings
