#include "chorus/plugin/tap_settings.h"

namespace chorus::tap_settings {

const Setting<bool> kAllowEmpty =
    Setting<bool>("allow_empty", "Succeed with nothing synced when no stream is selected.")
        .defaults_to(false);

}  // namespace chorus::tap_settings
