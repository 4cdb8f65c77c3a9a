// tap-rest's settings, declared once: the tap-wide ones and those of each `streams` entry. The
// HTTP client's and the auth object's are the SDK's.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chorus/plugin/setting.h"

namespace chorus::tap_rest {

template <class T>
using Setting = chorus::Setting<T>;

// Tap-wide.
extern const Setting<std::string> kApiUrl;
extern const Setting<nlohmann::json> kAuth;
extern const Setting<nlohmann::json> kHeaders;  // string map
extern const Setting<nlohmann::json> kParams;   // string map
extern const Setting<nlohmann::json> kPagination;
extern const Setting<std::string> kStartDate;
extern const Setting<nlohmann::json> kStreams;
// Tap-wide, and per stream where the stream's own value wins. No declared default, so that a
// stream without one falls back to the tap-wide value.
extern const Setting<std::size_t> kMaxPages;
extern const Setting<bool> kAllowEmpty;

// Per stream.
namespace stream_setting {
extern const Setting<std::string> kName;
extern const Setting<std::string> kPath;
extern const Setting<std::string> kRecordsPath;
extern const Setting<std::vector<std::string>> kPrimaryKeys;
extern const Setting<std::string> kReplicationKey;
extern const Setting<std::string> kReplicationParam;
extern const Setting<bool> kIsSorted;
extern const Setting<nlohmann::json> kParams;   // string map
extern const Setting<nlohmann::json> kHeaders;  // string map
extern const Setting<nlohmann::json> kPagination;
extern const Setting<std::string> kParentStream;
extern const Setting<nlohmann::json> kContext;  // string map
extern const Setting<nlohmann::json> kSchema;
}  // namespace stream_setting

// The JSON Schema of the config, generated from the declarations.
nlohmann::json settings_schema();

}  // namespace chorus::tap_rest
