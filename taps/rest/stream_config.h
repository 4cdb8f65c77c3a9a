// Turns tap-rest's config into the specs of its REST streams.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "chorus/http/rest_stream.h"

namespace chorus::tap_rest {

// One spec per entry of config["streams"], with the tap-wide api_url, headers, params,
// pagination and start_date applied under the stream's own. Throws chorus::ConfigError naming
// the stream (by name or position) and the setting.
std::vector<chorus::http::RestStreamSpec> stream_specs(const nlohmann::json &config);

}  // namespace chorus::tap_rest
