// A look at a Singer line's "type" and "stream" without parsing the rest: the host's relays call
// it for every line that passes, so it must cost little more than finding the line's end.
#pragma once

#include <string>
#include <string_view>

namespace chorus::host {

enum class SingerKind { Record, State, Other };

struct SingerPeek {
  SingerKind kind = SingerKind::Other;
  // The RECORD's stream as written between its quotes (escapes not decoded); see stream_name().
  std::string_view raw_stream;
  bool stream_escaped = false;  // raw_stream holds a backslash escape
};

// The type (matched case-insensitively, as the Singer spec allows) and, for a RECORD, the stream.
// Top-level keys may come in any order; nested values are skipped without being parsed. A line
// that is not a JSON object with a string "type" is Other: the members behind the relay report
// malformed lines, the relay only counts.
SingerPeek peek_singer_line(std::string_view line);

// raw_stream decoded (a copy only when it holds an escape).
std::string stream_name(const SingerPeek &peek);

}  // namespace chorus::host
