// The records of a Meltano BATCH message: JSON Lines files (plain or gzip) named by file:// URIs.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "chorus/singer/message.h"

namespace chorus {

// Calls `on_record` with each record of the batch's files, in order, as a RECORD message of
// the batch's stream, with the file it came from and its line there. Throws FatalError naming
// the file for what chorus cannot read: a format other than "jsonl", a compression other than
// "gzip" or "none", a URI other than file://, a missing or corrupt file, a line that is not a
// JSON object.
void for_each_batch_record(
    const singer::BatchMessage &batch,
    const std::function<void(singer::Message &record, const std::string &file,
                             std::uint64_t file_line)> &on_record);

}  // namespace chorus
