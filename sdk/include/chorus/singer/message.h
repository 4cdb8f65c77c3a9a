// Singer messages as the codec hands them out.
//
// RECORD is the hot path: it is parsed with simdjson On-Demand into a RecordView whose strings
// point into the reader's buffers (no allocation per record once warm). Every other message is
// rare and is parsed into an nlohmann::json document.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chorus::singer {

enum class MessageType : std::uint8_t { Schema, Record, State, ActivateVersion, Batch };

// "SCHEMA", "RECORD", ... as written on the wire.
std::string_view to_string(MessageType type);

enum class ValueKind : std::uint8_t { Null, Boolean, Number, String, Object, Array };

// One JSON value of a record.
//  - Number: the original text, digit for digit ("123.4500", "-1e400"); never rounded.
//  - String: the unescaped UTF-8 content.
//  - Boolean: "true" or "false".  Null: empty.
//  - Object and Array: the raw JSON text of the value.
struct Value {
  ValueKind kind = ValueKind::Null;
  std::string_view text;

  bool is_null() const { return kind == ValueKind::Null; }
};

struct Field {
  std::string_view name;  // unescaped
  Value value;
};

// A RECORD message. Views are valid until the reader's next call (or while the owning
// RecordBatch lives, for views a batch hands out).
struct RecordView {
  std::string_view stream;
  std::vector<Field> fields;  // top-level properties of "record", in input order; one per name
  std::string_view time_extracted;  // empty when absent
  std::optional<std::int64_t> version;

  // The field named `name`, or nullptr. Linear scan: records are narrow.
  const Field *find(std::string_view name) const;
  // The same, trying position `hint` first and setting it to where the field was found:
  // records of a stream nearly always list their fields in the same order, so a caller that
  // keeps `hint` between records usually finds the field with one comparison.
  const Field *find(std::string_view name, std::size_t &hint) const;
};

struct Message {
  MessageType type = MessageType::Record;
  std::uint64_t line_number = 0;  // 1-based line of the input it came from
  std::string_view line;          // the raw line, valid until the reader's next call

  RecordView record;        // RECORD only
  nlohmann::json document;  // every other type: the whole message; null for RECORD

  // The "stream" of a RECORD, SCHEMA, ACTIVATE_VERSION or BATCH; empty for STATE.
  std::string_view stream() const;
};

// Typed accessors for the non-RECORD messages. Each throws ProtocolError (naming the line and
// the missing or mistyped key) when the document does not have the Singer shape.
struct SchemaMessage {
  std::string stream;
  nlohmann::json schema;  // its objects list their keys sorted, not as the tap wrote them
  std::vector<std::string> key_properties;
  std::vector<std::string> bookmark_properties;
  // The top-level "properties" of the schema in the order the tap wrote them (table columns
  // follow it). Empty when the message has no raw line.
  std::vector<std::string> property_order;
};
SchemaMessage as_schema(const Message &message);

// The names of schema["properties"]: first those listed in `order` (the tap's order), then
// any others in sorted order.
std::vector<std::string> property_names(const nlohmann::json &schema,
                                        const std::vector<std::string> &order);

// The "value" of a STATE message.
const nlohmann::json &state_value(const Message &message);

struct ActivateVersionMessage {
  std::string stream;
  std::int64_t version = 0;
};
ActivateVersionMessage as_activate_version(const Message &message);

// Meltano's BATCH message: {"type":"BATCH","stream":..,"encoding":{"format":"jsonl",
// "compression":"gzip"|"none"},"manifest":["file://..."]}.
struct BatchMessage {
  std::string stream;
  std::string format;
  std::string compression;
  std::vector<std::string> manifest;
};
BatchMessage as_batch(const Message &message);

}  // namespace chorus::singer
