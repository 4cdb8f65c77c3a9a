// The Singer line reader and message parser on arbitrary bytes: every input either parses or
// is refused with a ProtocolError; nothing else may escape, crash or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "chorus/singer/errors.h"
#include "chorus/singer/reader.h"
#include "sdk_singer/memory_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  chorus::singer::testing::MemoryFile input(
      std::string_view(reinterpret_cast<const char *>(data), size));
  // A small line limit lets the fuzzer reach the over-long-line path with small inputs.
  chorus::singer::MessageReader reader(input.fd(), 4096);
  chorus::singer::Message message;
  try {
    while (reader.next(message)) {
    }
  } catch (const chorus::singer::ProtocolError &) {
  }
  return 0;
}
