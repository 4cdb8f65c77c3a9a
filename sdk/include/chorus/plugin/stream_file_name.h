// The name a stream's file gets in a target's folder.
//
// Injective and stable: the same stream always gets the same name, two different streams never
// share one, and the name is a single path component whatever the stream is called.
//   - ASCII letters, digits, '-' and '_' stay as they are, and so does UTF-8 (bytes >= 0x80);
//     '.' too, except as the first byte (no hidden files, no "." or "..").
//   - Every other byte, '%' itself included, becomes %XX (two upper-case hex digits):
//     "a/b" -> "a%2Fb", "a_b" -> "a_b", "a b" -> "a%20b", a NUL -> "%00".
//   - The empty name becomes "%" (no escape ends there, so no other stream gets it).
//   - A name whose escaped form is longer than 200 bytes keeps its first 180 bytes (cut before
//     an escape, never inside one) and ends in '~' and 16 hex digits of a FNV-1a 64 hash of
//     the stream name; '~' is otherwise always escaped, so only such names contain it.
#pragma once

#include <string>
#include <string_view>

namespace chorus::file_output {

std::string stream_file_stem(std::string_view stream);

}  // namespace chorus::file_output
