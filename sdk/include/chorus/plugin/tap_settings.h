// Settings the SDK's Tap reads for every tap, declared once. Unlike the target settings they
// are not added to every tap's schema: a tap that offers one declares it in its settings, in
// its own words where it gives the setting more to do, through .with("description", ...):
//
//   const Setting<bool> kAllowEmpty = tap_settings::kAllowEmpty.with("description", "...");
#pragma once

#include "chorus/plugin/setting.h"

namespace chorus::tap_settings {

// "allow_empty": a run in which no stream is selected succeeds with nothing synced instead of
// failing (default false).
extern const Setting<bool> kAllowEmpty;

}  // namespace chorus::tap_settings
