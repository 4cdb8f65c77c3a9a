// A state in a local file, locked with flock(2) on a file next to it (FileStateLock).
#pragma once

#include <filesystem>

#include "state/state_store.h"

namespace chorus::host {

class FileStateStore final : public StateStore {
 public:
  explicit FileStateStore(std::filesystem::path path) : path_(std::move(path)) {}

  const std::filesystem::path &path() const { return path_; }
  std::string location() const override { return path_.string(); }

  std::optional<nlohmann::json> read() override;
  // A temporary file in the same folder (mode 0600) is written, fsynced and renamed over the old
  // one, then the folder is fsynced. Creates the folder when missing.
  void write(const nlohmann::json &state) override;
  bool clear() override;
  std::unique_ptr<StateLock> lock(const std::string &purpose) override;

 private:
  std::filesystem::path path_;
};

}  // namespace chorus::host
