// The records of a Meltano BATCH message: JSON Lines files (plain or gzip) named by file:// URIs.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chorus/singer/message.h"

namespace chorus {

// The folders a target or mapper may read BATCH files from, so that a BATCH message cannot make
// it read (and echo into errors or rows) any file the process can open. From the config:
// setting `batch_file_roots` (absolute folders or file:// URIs), else the folder that
// `batch_config.storage.root` names (the Meltano SDK's batch_config, as the tap has it), else
// none: every BATCH is then refused, naming the setting.
class BatchFileRoots {
 public:
  explicit BatchFileRoots(const nlohmann::json &config);
  // `path` resolved (symbolic links followed); throws FatalError, without opening the file,
  // when it is not under one of the roots.
  std::string admit(const std::string &path) const;

 private:
  std::vector<std::string> roots_;  // canonical, each ending in '/'
};

// The settings that configure BatchFileRoots, merged into every target's and mapper's settings.
nlohmann::json batch_file_settings();

// Calls `on_record` with each record of the batch's files, in order, as a RECORD message of
// the batch's stream, with the file it came from and its line there. Throws FatalError naming
// the file for what chorus cannot read: a format other than "jsonl", a compression other than
// "gzip" or "none", a URI other than file://, a file outside `roots`, a missing or corrupt
// file, a line that is not a JSON object. No error quotes the file's content.
void for_each_batch_record(
    const singer::BatchMessage &batch, const BatchFileRoots &roots,
    const std::function<void(singer::Message &record, const std::string &file,
                             std::uint64_t file_line)> &on_record);

}  // namespace chorus
