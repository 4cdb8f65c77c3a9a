// The settings every SQL target reads about how values are typed, declared once.
#pragma once

#include <nlohmann/json.hpp>

#include "chorus/sql/logical_type.h"

namespace chorus::sql {

// JSON Schema properties for a target's settings: "numbers_as_float".
nlohmann::json type_settings_properties();

// The TypeOptions a target's config asks for.
TypeOptions type_options(const nlohmann::json &config);

}  // namespace chorus::sql
