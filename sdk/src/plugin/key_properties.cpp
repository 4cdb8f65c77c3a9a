#include "chorus/plugin/key_properties.h"

#include "chorus/plugin/errors.h"

namespace chorus::key_properties {

void require_in_schema(const StreamInfo &info, std::string_view plugin) {
  const auto properties = info.schema.find("properties");
  for (const std::string &key : info.key_properties) {
    if (properties == info.schema.end() || !properties->is_object() || !properties->contains(key)) {
      throw FatalError(std::string(plugin) + ": stream '" + info.name + "': key property '" + key +
                       "' is not in the stream's schema; the tap's SCHEMA message is wrong");
    }
  }
}

void require_values(const StreamInfo &info, const singer::RecordView &record,
                    std::uint64_t line_number, std::string_view plugin) {
  for (const std::string &key : info.key_properties) {
    const singer::Field *field = record.find(key);
    if (field == nullptr || field->value.is_null()) {
      throw FatalError(std::string(plugin) + ": stream '" + info.name + "', line " +
                       std::to_string(line_number) +
                       ": the record has no value for key property '" + key +
                       "'; every record of a stream with key properties needs them");
    }
  }
}

}  // namespace chorus::key_properties
