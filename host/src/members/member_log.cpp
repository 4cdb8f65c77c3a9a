#include "members/member_log.h"

#include <unistd.h>

#include <cctype>

#include "chorus/plugin/named_values.h"
#include "process/child_process.h"
#include "process/fd_io.h"
#include "process/line_splitter.h"

namespace chorus::host {
namespace {

// The words a level is read from in a plugin's log line; the first of each is the one it is
// written as.
constexpr Named<LogLevel> kLevelWords[] = {
    {LogLevel::Debug, "DEBUG"}, {LogLevel::Info, "INFO"},   {LogLevel::Warn, "WARNING"},
    {LogLevel::Warn, "WARN"},   {LogLevel::Error, "ERROR"}, {LogLevel::Error, "CRITICAL"},
    {LogLevel::Error, "FATAL"},
};

// Finds a level word among the first few tokens ("2024-01-01 10:00:00 | ERROR | ...").
LogLevel level_of(std::string_view text) {
  std::string_view head = text.substr(0, 64);
  std::size_t start = 0;
  for (int tokens = 0; tokens < 6 && start < head.size(); ++tokens) {
    while (start < head.size() && !std::isalpha(static_cast<unsigned char>(head[start]))) ++start;
    std::size_t end = start;
    while (end < head.size() && std::isalpha(static_cast<unsigned char>(head[end]))) ++end;
    std::string_view word = head.substr(start, end - start);
    if (auto level = value_named(kLevelWords, word)) return *level;
    start = end;
  }
  return LogLevel::Info;
}

std::string_view level_word(LogLevel level) { return name_of(kLevelWords, level, "INFO"); }

}  // namespace

void MemberLog::line(LogLevel level, std::string_view message) {
  if (metrics_ != nullptr && metrics_->consume(name_, message)) {
    log_plugin_line(name_, LogLevel::Debug, message);
    return;
  }
  if (level == LogLevel::Warn || level == LogLevel::Error) {
    std::lock_guard lock(mutex_);
    last_problem_ = std::string(message);
  }
  log_plugin_line(name_, level, message);
}

void MemberLog::stderr_line(std::string_view text) {
  if (text.find_first_not_of(" \t\r") == std::string_view::npos) return;
  // A Python traceback is the program's own error: every line of it is logged as an error, and
  // the exception line that ends it ("ValueError: ...") is the problem quoted if the member
  // fails. Chained exceptions ("During handling of the above exception ...") join the next one.
  const bool chain = text.rfind("During handling of the above exception", 0) == 0 ||
                     text.rfind("The above exception was the direct cause", 0) == 0;
  if (text.rfind("Traceback (most recent call last):", 0) == 0) in_traceback_ = true;
  if (in_traceback_ || chain) {
    const bool exception_line = in_traceback_ && text.front() != ' ' && text.front() != '\t' &&
                                text.rfind("Traceback", 0) != 0;
    if (exception_line) {
      in_traceback_ = false;
      line(LogLevel::Error, text);
    } else {
      log_plugin_line(name_, LogLevel::Error, text);
    }
    return;
  }
  LogLevel level = level_of(text);
  // An isolated plugin writes "LEVEL message"; drop the word the host log prints anyway.
  std::string_view word = level_word(level);
  if (text.substr(0, word.size()) == word && text.size() > word.size() &&
      text[word.size()] == ' ') {
    text.remove_prefix(word.size() + 1);
  }
  line(level, text);
}

PluginLogFunction MemberLog::function() {
  return [this](LogLevel level, std::string_view message) { line(level, message); };
}

std::string MemberLog::last_problem() const {
  std::lock_guard lock(mutex_);
  return last_problem_;
}

StderrReader::~StderrReader() { join(); }

void StderrReader::start(int read_fd, MemberLog *log) {
  thread_ = std::thread([read_fd, log] {
    LineSplitter lines;
    const auto to_log = [log](std::string_view line) { log->stderr_line(line); };
    char buffer[8192];
    while (true) {
      ssize_t n = ::read(read_fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      lines.feed(std::string_view(buffer, static_cast<std::size_t>(n)), to_log);
    }
    lines.finish(to_log);
    ::close(read_fd);
  });
}

void StderrReader::join() {
  if (thread_.joinable()) thread_.join();
}

PluginLogFunction child_stderr_log() {
  return [](LogLevel level, std::string_view message) {
    std::string text;
    for_each_piece(message, [&](std::string_view part) {
      text += level_word(level);
      text += ' ';
      text += part;
      text += '\n';
    });
    write_all(2, text);
  };
}

}  // namespace chorus::host
