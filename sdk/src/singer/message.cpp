// Message helpers and the typed accessors for the rare (non-RECORD) messages.
#include "chorus/singer/message.h"

#include <algorithm>

#include "chorus/singer/errors.h"
#include "singer/message_type_names.h"
#include "singer/word_scan.h"

namespace chorus::singer {

namespace {

using nlohmann::json;

[[noreturn]] void bad_shape(const Message &message, const std::string &what) {
  throw ProtocolError(message.line_number, std::string(to_string(message.type)) + " message " +
                                               what +
                                               "; see the Singer specification for its shape");
}

const json &required_key(const Message &message, const char *key) {
  const auto it = message.document.find(key);
  if (it == message.document.end()) bad_shape(message, std::string("has no \"") + key + "\"");
  return *it;
}

// The value of `key`, refused as a message that "has <refusal>" unless `(value.*accepted)()`.
const json &required_key(const Message &message, const char *key,
                         bool (json::*accepted)() const noexcept, const char *refusal) {
  const json &value = required_key(message, key);
  if (!(value.*accepted)()) bad_shape(message, std::string("has ") + refusal);
  return value;
}

std::string required_string(const Message &message, const char *key) {
  const json &value = required_key(message, key);
  if (!value.is_string())
    bad_shape(message, std::string("has a \"") + key + "\" that is not a string");
  return value.get<std::string>();
}

// An optional array of strings: absent or null means empty.
std::vector<std::string> string_list(const Message &message, const char *key) {
  std::vector<std::string> out;
  const auto it = message.document.find(key);
  if (it == message.document.end() || it->is_null()) return out;
  if (!it->is_array())
    bad_shape(message, std::string("has a \"") + key + "\" that is not an array");
  for (const json &item : *it) {
    if (!item.is_string()) {
      bad_shape(message, std::string("has a \"") + key + "\" with an item that is not a string");
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

void expect_type(const Message &message, MessageType type) {
  if (message.type != type) {
    throw ProtocolError(message.line_number, "expected a " + std::string(to_string(type)) +
                                                 " message, got " +
                                                 std::string(to_string(message.type)));
  }
}

// The "stream" of a message that must be of `type`.
std::string stream_of(const Message &message, MessageType type) {
  expect_type(message, type);
  return required_string(message, "stream");
}

}  // namespace

std::string_view to_string(MessageType type) {
  return name_of(detail::kMessageTypeNames, type, "UNKNOWN");
}

// Names are compared with same_text: targets look properties up by name for every record,
// and a call to memcmp for each name of the same length cost more than the comparison.
const Field *RecordView::find(std::string_view name) const {
  for (const Field &field : fields) {
    if (word_scan::same_text(field.name, name)) return &field;
  }
  return nullptr;
}

const Field *RecordView::find(std::string_view name, std::size_t &hint) const {
  if (hint < fields.size() && word_scan::same_text(fields[hint].name, name)) return &fields[hint];
  const Field *field = find(name);
  if (field != nullptr) hint = static_cast<std::size_t>(field - fields.data());
  return field;
}

std::string_view Message::stream() const {
  if (type == MessageType::Record) return record.stream;
  if (type == MessageType::State || !document.is_object()) return {};
  const auto it = document.find("stream");
  if (it == document.end() || !it->is_string()) return {};
  return it->get_ref<const std::string &>();
}

SchemaMessage as_schema(const Message &message) {
  SchemaMessage out;
  out.stream = stream_of(message, MessageType::Schema);
  out.schema =
      required_key(message, "schema", &json::is_object, "a \"schema\" that is not a JSON object");
  out.key_properties = string_list(message, "key_properties");
  out.bookmark_properties = string_list(message, "bookmark_properties");
  if (!message.line.empty()) {
    // nlohmann::json keeps object keys sorted; ordered_json keeps the tap's order.
    const auto ordered = nlohmann::ordered_json::parse(message.line);
    const auto &schema_in_order = ordered.at("schema");
    const auto properties = schema_in_order.find("properties");
    if (properties != schema_in_order.end() && properties->is_object()) {
      for (const auto &item : properties->items()) out.property_order.push_back(item.key());
    }
  }
  return out;
}

std::vector<std::string> property_names(const nlohmann::json &schema,
                                        const std::vector<std::string> &order) {
  std::vector<std::string> names;
  const auto properties = schema.find("properties");
  if (properties == schema.end() || !properties->is_object()) return names;
  for (const auto &name : order) {
    if (properties->contains(name) && std::find(names.begin(), names.end(), name) == names.end()) {
      names.push_back(name);
    }
  }
  for (const auto &item : properties->items()) {
    if (std::find(names.begin(), names.end(), item.key()) == names.end()) {
      names.push_back(item.key());
    }
  }
  return names;
}

const nlohmann::json &state_value(const Message &message) {
  expect_type(message, MessageType::State);
  return required_key(message, "value");
}

ActivateVersionMessage as_activate_version(const Message &message) {
  ActivateVersionMessage out;
  out.stream = stream_of(message, MessageType::ActivateVersion);
  out.version = required_key(message, "version", &json::is_number_integer,
                             "a \"version\" that is not an integer")
                    .get<std::int64_t>();
  return out;
}

BatchMessage as_batch(const Message &message) {
  BatchMessage out;
  out.stream = stream_of(message, MessageType::Batch);
  const json &encoding =
      required_key(message, "encoding", &json::is_object, "an \"encoding\" that is not an object");
  const auto format = encoding.find("format");
  if (format == encoding.end() || !format->is_string()) {
    bad_shape(message, "has no \"encoding\".\"format\" string");
  }
  out.format = format->get<std::string>();
  const auto compression = encoding.find("compression");
  if (compression == encoding.end() || compression->is_null()) {
    out.compression = "none";
  } else if (compression->is_string()) {
    out.compression = compression->get<std::string>();
  } else {
    bad_shape(message, "has an \"encoding\".\"compression\" that is not a string");
  }
  const json &manifest =
      required_key(message, "manifest", &json::is_array, "a \"manifest\" that is not an array");
  for (const json &item : manifest) {
    if (!item.is_string()) bad_shape(message, "has a \"manifest\" item that is not a string");
    out.manifest.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace chorus::singer
