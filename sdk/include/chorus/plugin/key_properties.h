// The checks every target makes on a stream's key properties, so that a keyed stream never
// loads a row it could not tell apart from another.
#pragma once

#include <cstdint>
#include <string_view>

#include "chorus/plugin/target.h"
#include "chorus/singer/message.h"

namespace chorus::key_properties {

// Throws FatalError naming the plugin and stream when a key property is not a property of the
// stream's schema (the tap's SCHEMA message is wrong).
void require_in_schema(const StreamInfo &info, std::string_view plugin);

// Throws FatalError naming the plugin, stream, Singer line and property when `record` has no
// value (or null) for one of the stream's key properties.
void require_values(const StreamInfo &info, const singer::RecordView &record,
                    std::uint64_t line_number, std::string_view plugin);

}  // namespace chorus::key_properties
