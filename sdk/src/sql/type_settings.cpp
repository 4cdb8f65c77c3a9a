#include "chorus/sql/type_settings.h"

namespace chorus::sql {

nlohmann::json type_settings_properties() {
  return {{"numbers_as_float",
           {{"type", "boolean"},
            {"default", false},
            {"description",
             "Store JSON Schema `number` properties that declare no precision or scale as "
             "double precision floating point, rounded to 17 significant digits. Off: they are "
             "stored exactly (numeric, or a NUMERIC(p,s) sized from the data where the "
             "database has only bounded decimals)."}}}};
}

TypeOptions type_options(const nlohmann::json &config) {
  TypeOptions options;
  if (auto it = config.find("numbers_as_float"); it != config.end() && it->is_boolean()) {
    options.numbers_as_float = it->get<bool>();
  }
  return options;
}

}  // namespace chorus::sql
