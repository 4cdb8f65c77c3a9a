// MessageReader: RECORD lines go through simdjson On-Demand into a reused RecordView; the rare
// other messages are parsed into an nlohmann::json document.
#include "chorus/singer/reader.h"

#include <simdjson.h>

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "singer/message_type_names.h"
#include "singer/ondemand_value.h"
#include "singer/record_shape.h"
#include "singer/word_scan.h"

namespace chorus::singer {

namespace {

namespace ondemand = simdjson::ondemand;

bool is_blank(std::string_view line) {
  for (const char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

// The next line that is not blank; false at end of input. Blank lines carry no message.
bool next_nonblank(LineReader &lines, std::string_view &line) {
  do {
    if (!lines.next(line)) return false;
  } while (is_blank(line));
  return true;
}

std::optional<MessageType> parse_type(std::string_view text) {
  return value_named_ignoring_case(detail::kMessageTypeNames, text);
}

[[noreturn]] void malformed(std::uint64_t line_number, simdjson::error_code error) {
  throw ProtocolError(line_number, std::string("malformed JSON (") +
                                       simdjson::error_message(error) +
                                       "); every line must be one JSON object");
}

// How the "record" key of a message looked, decided before the type may be known.
enum class RecordKey : std::uint8_t { Absent, Object, NotObject };

void clear_record(RecordView &record) {
  record.stream = {};
  record.fields.clear();
  record.time_extracted = {};
  record.version.reset();
}

// Starts parsing `line` (padded by the LineReader) as one JSON object; `not_object` is the
// ProtocolError's text for a line that is JSON but not an object.
ondemand::object open_object(ondemand::parser &parser, ondemand::document &document,
                             std::string_view line, std::uint64_t line_number,
                             const char *not_object) {
  if (auto error = parser.iterate(line.data(), line.size(), line.size() + LineReader::kPadding)
                       .get(document)) {
    malformed(line_number, error);
  }
  ondemand::object object;
  if (auto error = document.get_object().get(object)) {
    if (error == simdjson::INCORRECT_TYPE) throw ProtocolError(line_number, not_object);
    malformed(line_number, error);
  }
  return object;
}

// Reads every field of `object` into record.fields, keys and values as they stand.
void read_fields(ondemand::object &object, const char *end, RecordView &record,
                 std::uint64_t line_number) {
  for (auto entry : object) {
    if (auto error = entry.error()) malformed(line_number, error);
    // By reference: moving the field out of its result costs a store-forwarding stall.
    ondemand::field &field = entry.value_unsafe();
    Field &out = record.fields.emplace_back();
    if (auto error = detail::read_key(field, end, out.name)) malformed(line_number, error);
    if (auto error = detail::read_value(field.value(), out.value)) malformed(line_number, error);
  }
}

// A JSON object that names a property more than once gets one field for it, with the last
// value, at the place the name first appeared: what the DOM parsers make of it (Python's json,
// which most taps are written with, among them) and what a message's own repeated keys get
// here. Kept both, the fields would hand one lookup the first value (by name) and another the
// last (by position): one of the two values lost, and which one would depend on the target.
// Records nearly always list the names of the record before, in its order, so only a new list
// of names is checked in full.
class OneFieldPerName {
 public:
  void apply(std::vector<Field> &fields) {
    if (same_as_checked(fields)) return;
    if (names_repeat(fields)) {
      keep_last_values(fields);
      return;  // not a list of unique names: the next record with it is checked again
    }
    checked_.resize(fields.size());
    for (std::size_t i = 0; i < fields.size(); ++i) checked_[i].assign(fields[i].name);
  }

 private:
  bool same_as_checked(const std::vector<Field> &fields) const {
    if (fields.size() != checked_.size()) return false;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (!word_scan::same_text(fields[i].name, checked_[i])) return false;
    }
    return true;
  }

  // Without allocating: a stream whose records leave out different properties (so nearly
  // every record brings a new list) pays a comparison of each pair of names, or a sort of a
  // wide record's names in a reused buffer.
  bool names_repeat(const std::vector<Field> &fields) {
    constexpr std::size_t kPairwiseUpTo = 16;
    if (fields.size() <= kPairwiseUpTo) {
      for (std::size_t i = 1; i < fields.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
          if (word_scan::same_text(fields[i].name, fields[j].name)) return true;
        }
      }
      return false;
    }
    sorted_.clear();
    for (const Field &field : fields) sorted_.push_back(field.name);
    std::sort(sorted_.begin(), sorted_.end());
    return std::adjacent_find(sorted_.begin(), sorted_.end()) != sorted_.end();
  }

  // The rare case, a name given twice: its first field takes the last value, the later
  // fields go.
  static void keep_last_values(std::vector<Field> &fields) {
    std::unordered_map<std::string_view, std::size_t> kept_at;
    std::size_t kept = 0;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const auto [at, first] = kept_at.emplace(fields[i].name, kept);
      if (first) {
        fields[kept++] = fields[i];
      } else {
        fields[at->second].value = fields[i].value;
      }
    }
    fields.resize(kept);
  }

  std::vector<std::string> checked_;      // the last list of names found unique
  std::vector<std::string_view> sorted_;  // names_repeat's buffer for wide records
};

}  // namespace

struct MessageReader::Impl {
  LineReader lines;
  ondemand::parser parser;
  OneFieldPerName one_field_per_name;
  detail::RecordShapes shapes;

  Impl(int fd, std::size_t max_line_bytes) : lines(fd, max_line_bytes) {}

  void parse(std::string_view line, Message &message);
  void parse_record_fields(ondemand::value &value, const char *end, RecordView &record,
                           std::uint64_t line_number);
};

void MessageReader::Impl::parse_record_fields(ondemand::value &value, const char *end,
                                              RecordView &record, std::uint64_t line_number) {
  ondemand::object object;
  if (auto error = value.get_object().get(object)) malformed(line_number, error);
  read_fields(object, end, record, line_number);
  one_field_per_name.apply(record.fields);
}

void MessageReader::Impl::parse(std::string_view line, Message &message) {
  const std::uint64_t line_number = message.line_number;
  RecordView &record = message.record;
  clear_record(record);
  const char *const line_end = line.data() + line.size();
  ondemand::document document;
  ondemand::object object =
      open_object(parser, document, line, line_number, "a Singer message must be a JSON object");

  // Keys may come in any order, so "record" is read before the type is known; most writers
  // put "type" first, which lets a non-RECORD line leave this loop at once.
  std::optional<MessageType> type;
  bool stream_is_string = false;
  RecordKey record_key = RecordKey::Absent;
  for (auto entry : object) {
    if (auto error = entry.error()) malformed(line_number, error);
    // By reference: moving the field out of its result costs a store-forwarding stall.
    ondemand::field &field = entry.value_unsafe();
    std::string_view key;
    if (auto error = detail::read_key(field, line_end, key)) malformed(line_number, error);
    ondemand::value &value = field.value();
    if (key == "type") {
      std::string_view text;
      if (auto error = detail::read_string(value, text)) {
        if (error != simdjson::INCORRECT_TYPE) malformed(line_number, error);
        throw ProtocolError(line_number, "\"type\" must be a string such as \"RECORD\"");
      }
      type = parse_type(text);
      if (!type) {
        throw ProtocolError(line_number, "unknown message type \"" + std::string(text) +
                                             "\"; expected RECORD, SCHEMA, STATE, "
                                             "ACTIVATE_VERSION or BATCH");
      }
      if (*type != MessageType::Record) break;
    } else if (key == "stream") {
      stream_is_string = detail::read_string(value, record.stream) == simdjson::SUCCESS;
    } else if (key == "record") {
      ondemand::json_type json_type;
      if (auto error = value.type().get(json_type)) malformed(line_number, error);
      if (json_type == ondemand::json_type::object) {
        record.fields.clear();  // a repeated key: the last one wins, as in the DOM parsers
        parse_record_fields(value, line_end, record, line_number);
        record_key = RecordKey::Object;
      } else {
        record_key = RecordKey::NotObject;
      }
    } else if (key == "time_extracted") {
      if (detail::read_string(value, record.time_extracted) != simdjson::SUCCESS) {
        record.time_extracted = {};
      }
    } else if (key == "version") {
      auto version = value.get_int64();
      if (!version.error()) record.version = version.value_unsafe();
    }
  }

  if (!type) throw ProtocolError(line_number, "message has no \"type\"");
  message.type = *type;
  if (*type == MessageType::Record) {
    // simdjson 3.0 has no document::at_end(); current_location() is out of bounds exactly
    // when every token has been consumed.
    if (document.current_location().error() != simdjson::OUT_OF_BOUNDS) {
      throw ProtocolError(line_number, "unexpected text after the JSON object");
    }
    if (!stream_is_string) throw ProtocolError(line_number, "RECORD has no \"stream\" string");
    if (record_key != RecordKey::Object) {
      throw ProtocolError(line_number, "RECORD has no \"record\" object");
    }
    if (!message.document.is_null()) message.document = nullptr;
    return;
  }

  record.stream = {};
  record.fields.clear();
  record.time_extracted = {};
  record.version.reset();
  try {
    message.document = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error &error) {
    // nlohmann's text starts with its own "[json.exception...] parse error at line 1, column
    // N: "; the line is ours to name, so keep only the reason.
    const std::string what = error.what();
    const std::size_t reason = what.find(": ");
    throw ProtocolError(line_number,
                        "malformed JSON at byte " + std::to_string(error.byte) + " (" +
                            (reason == std::string::npos ? what : what.substr(reason + 2)) +
                            "); every line must be one JSON object");
  } catch (const nlohmann::json::out_of_range &error) {
    // A number no double holds (1e999) in a SCHEMA or STATE: refused, never rounded to inf.
    const std::string what = error.what();
    const std::size_t reason = what.find("] ");
    throw ProtocolError(line_number,
                        (reason == std::string::npos ? what : what.substr(reason + 2)) +
                            ": a number beyond the range of a double");
  }
}

MessageReader::MessageReader(int fd, std::size_t max_line_bytes)
    : impl_(std::make_unique<Impl>(fd, max_line_bytes)) {}

MessageReader::~MessageReader() = default;

bool MessageReader::next(Message &message) {
  std::string_view line;
  if (!next_nonblank(impl_->lines, line)) return false;
  message.line_number = impl_->lines.line_number();
  message.line = line;
  if (impl_->shapes.read(line, message.record)) {
    message.type = MessageType::Record;
    if (!message.document.is_null()) message.document = nullptr;
    return true;
  }
  impl_->parse(line, message);
  if (message.type == MessageType::Record) impl_->shapes.learn(line, message.record);
  return true;
}

std::uint64_t MessageReader::line_number() const { return impl_->lines.line_number(); }

struct ObjectLineReader::Impl {
  LineReader lines;
  ondemand::parser parser;
  OneFieldPerName one_field_per_name;

  Impl(int fd, std::size_t max_line_bytes) : lines(fd, max_line_bytes) {}
};

ObjectLineReader::ObjectLineReader(int fd, std::size_t max_line_bytes)
    : impl_(std::make_unique<Impl>(fd, max_line_bytes)) {}

ObjectLineReader::~ObjectLineReader() = default;

bool ObjectLineReader::next(RecordView &record) {
  std::string_view line;
  if (!next_nonblank(impl_->lines, line)) return false;
  const std::uint64_t line_number = impl_->lines.line_number();
  clear_record(record);
  ondemand::document document;
  ondemand::object object =
      open_object(impl_->parser, document, line, line_number, "the line is not a JSON object");
  read_fields(object, line.data() + line.size(), record, line_number);
  impl_->one_field_per_name.apply(record.fields);
  if (document.current_location().error() != simdjson::OUT_OF_BOUNDS) {
    throw ProtocolError(line_number, "unexpected text after the JSON object");
  }
  return true;
}

std::uint64_t ObjectLineReader::line_number() const { return impl_->lines.line_number(); }

std::uint64_t MessageReader::bytes_read() const { return impl_->lines.bytes_read(); }

}  // namespace chorus::singer
