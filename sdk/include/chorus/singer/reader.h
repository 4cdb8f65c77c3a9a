// Reads Singer messages from an fd.
#pragma once

#include <cstddef>
#include <memory>

#include "chorus/singer/errors.h"
#include "chorus/singer/line_reader.h"
#include "chorus/singer/message.h"

namespace chorus::singer {

class MessageReader {
 public:
  explicit MessageReader(int fd, std::size_t max_line_bytes = LineReader::kDefaultMaxLine);
  ~MessageReader();
  MessageReader(const MessageReader &) = delete;
  MessageReader &operator=(const MessageReader &) = delete;

  // Fills `message` with the next message. Returns false at end of input. Blank lines are
  // skipped. The message type is matched case-insensitively, as the Singer spec allows. Throws
  // ProtocolError, naming the line, on malformed JSON, a missing "type", an unknown type, or a
  // RECORD without "stream" or "record" object.
  bool next(Message &message);

  std::uint64_t line_number() const;
  std::uint64_t bytes_read() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads a JSON Lines file whose every line is one JSON object (a JSON Lines export such as
// target-jsonl writes): each line's top-level properties, parsed as a RECORD's "record" is
// (numbers as their text, strings unescaped).
class ObjectLineReader {
 public:
  explicit ObjectLineReader(int fd, std::size_t max_line_bytes = LineReader::kDefaultMaxLine);
  ~ObjectLineReader();
  ObjectLineReader(const ObjectLineReader &) = delete;
  ObjectLineReader &operator=(const ObjectLineReader &) = delete;

  // Fills `record.fields` with the next non-blank line's properties (the other members of
  // `record` are cleared). Returns false at end of input. Throws ProtocolError, naming the
  // line, when a line is not exactly one JSON object.
  bool next(RecordView &record);
  std::uint64_t line_number() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chorus::singer
