// The schema compiler and the record validator: the first line of the input is a JSON Schema,
// the rest are Singer messages whose RECORDs are validated against it. A schema may be refused
// with an exception and a record with a violation; nothing may crash.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "chorus/singer/errors.h"
#include "chorus/singer/reader.h"
#include "chorus/singer/validator.h"
#include "sdk_singer/memory_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char *>(data), size);
  const std::size_t newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  const auto schema = nlohmann::json::parse(input.substr(0, newline), nullptr, false);
  if (schema.is_discarded()) return 0;
  std::optional<chorus::singer::RecordValidator> validator;
  try {
    validator.emplace(schema);
  } catch (const std::exception &) {
    return 0;  // a schema the compiler refuses, with a message
  }
  chorus::singer::testing::MemoryFile records(input.substr(newline + 1));
  chorus::singer::MessageReader reader(records.fd(), 4096);
  chorus::singer::Message message;
  try {
    while (reader.next(message)) {
      if (message.type == chorus::singer::MessageType::Record) {
        (void)validator->validate(message.record);
      }
    }
  } catch (const chorus::singer::ProtocolError &) {
  }
  return 0;
}
