// Files and folders the host hands to the programs it runs: memory files for configs, state and
// catalog, and private temporary folders that a later run sweeps when their owner was killed.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace chorus::host {

// Files handed to an external executable (config, state, catalog) that never touch the disk:
// anonymous memory files the program opens as /dev/fd/N. The fds are close-on-exec in the
// host; spawn() keeps them open in the one program given fds(). Closed on destruction, after
// which the memory lives only as long as the program keeps its copy.
class MemoryFiles {
 public:
  MemoryFiles() = default;
  ~MemoryFiles();
  MemoryFiles(const MemoryFiles &) = delete;
  MemoryFiles &operator=(const MemoryFiles &) = delete;
  // Creates a memory file holding `content` and returns the path the program opens it by.
  std::string add(const std::string &name, const std::string &content);
  const std::vector<int> &fds() const { return fds_; }
  void close_all();

 private:
  std::vector<int> fds_;
};

// A private temporary folder (mode 0700), removed with everything in it on destruction. Its name
// carries the owner's pid (chorus-PID-XXXXXX), so that the first TempDir of a later process
// removes the folders of owners that died without cleaning up (killed runs).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  // Writes `content` to a new file (mode 0600) and returns its path.
  std::filesystem::path write_file(const std::string &name, const std::string &content) const;
  const std::filesystem::path &path() const { return path_; }

 private:
  std::filesystem::path path_;
  pid_t owner_ = -1;  // a forked child must not remove its parent's folder
};

// Removes the chorus-PID-* folders under `base` owned by this user whose PID no longer runs.
// Returns how many were removed.
std::size_t sweep_stale_temp_dirs(const std::filesystem::path &base);

// The folder temporary files go to: $TMPDIR, else /tmp.
std::filesystem::path temp_base();

}  // namespace chorus::host
