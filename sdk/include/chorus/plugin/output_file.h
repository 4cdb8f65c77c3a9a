// An output file written through a large buffer and made durable on demand.
//
// A full buffer is written to the kernel by a thread of the file's own while the owner fills
// the next one: copying a buffer into the page cache is about a quarter of a file target's
// writer thread, and would otherwise hold up the encoding of the rows after it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace chorus::file_output {

class OutputFile {
 public:
  enum class Mode { Truncate, Append };
  // Creates or opens `path`; throws FatalError naming the plugin and the path.
  OutputFile(std::string path, Mode mode, std::string plugin_name);
  ~OutputFile();
  OutputFile(const OutputFile &) = delete;
  OutputFile &operator=(const OutputFile &) = delete;

  // The buffer to append to; call maybe_flush() after appending a row.
  std::string &buffer() { return buffer_; }
  void maybe_flush() {
    if (buffer_.size() >= kFlushBytes) flush();
  }
  // Hands what is buffered to the file's write thread, once the buffer handed over before is
  // written; the buffer is then empty. Throws FatalError when an earlier write failed.
  void flush();
  // Writes what is buffered and waits until the file's data is on disk (fdatasync), and, the
  // first time, the directory entry of a newly created file too.
  void sync();
  // sync() without the flush: waits until what flush() handed over so far is written and on
  // disk. It leaves the buffer alone, so it may run on another thread while the owner of the
  // buffer appends to it and flushes (one sync at a time). Throws FatalError when a write or
  // the sync failed.
  void sync_written();
  const std::string &path() const { return path_; }

 private:
  static constexpr std::size_t kFlushBytes = std::size_t{4} << 20;
  struct WriteBehind;
  std::string path_;
  std::string plugin_name_;
  int fd_ = -1;
  bool created_ = false;
  bool directory_synced_ = false;
  std::string buffer_;
  std::unique_ptr<WriteBehind> behind_;  // started by the first flush()
};

// Creates `path` and its parents when missing; throws FatalError naming the plugin.
void create_directories(const std::string &path, const std::string &plugin_name);

// The size of `path` in bytes; nullopt when it does not exist.
std::optional<std::uint64_t> file_size(const std::string &path, const std::string &plugin_name);

// Cuts `path` back to its first `length` bytes and waits until that is on disk: what an
// interrupted run left half written goes before the file is appended to again.
void cut_to_length(const std::string &path, std::uint64_t length, const std::string &plugin_name);

// Renames `from` (already synced) over `to` and syncs the folder, so that after a crash `to` is
// either the old file or the new one.
void replace_durably(const std::string &from, const std::string &to,
                     const std::string &plugin_name);

}  // namespace chorus::file_output
