// The "type" words of Singer messages, listed once for the writer's to_string() and the
// reader's parse (which ignores case, as the Singer spec allows). Header-only.
#pragma once

#include "chorus/plugin/named_values.h"
#include "chorus/singer/message.h"

namespace chorus::singer::detail {

// RECORD first: the reader looks a type up on every line, and nearly all lines are RECORDs.
inline constexpr Named<MessageType> kMessageTypeNames[] = {
    {MessageType::Record, "RECORD"},
    {MessageType::State, "STATE"},
    {MessageType::Schema, "SCHEMA"},
    {MessageType::ActivateVersion, "ACTIVATE_VERSION"},
    {MessageType::Batch, "BATCH"}};

}  // namespace chorus::singer::detail
