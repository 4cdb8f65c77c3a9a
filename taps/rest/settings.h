// tap-rest's settings: the JSON Schema its config is checked against.
#pragma once

#include <nlohmann/json.hpp>

namespace tap_rest {

nlohmann::json settings_schema();

}  // namespace tap_rest
