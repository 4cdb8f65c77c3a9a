// RECORDs through the plan of their stream: the filter, properties passed, dropped or computed,
// and flattening. Values passed through are written as they arrived (numbers as their text);
// a computed value must fit the type the emitted SCHEMA declares for it, or the run fails.
#include <cmath>

#include "chorus/plugin/errors.h"
#include "chorus/singer/writer.h"
#include "maps/expression_values.h"
#include "maps/stream_maps_impl.h"
#include "singer/ondemand_value.h"

namespace chorus::maps {
namespace {

using namespace singer::detail;  // the validator's type bits

// The JSON Schema type of a value (a number with a fraction is not an "integer").
std::uint8_t type_of(const Value &value) {
  switch (value.kind) {
    case Kind::None:
      return kTypeNull;
    case Kind::Bool:
      return kTypeBoolean;
    case Kind::Int:
      return kTypeInteger;
    case Kind::Float:
    case Kind::Decimal:
      return kTypeNumber;
    case Kind::String:
      return kTypeString;
    case Kind::List:
      return kTypeArray;
    case Kind::Json:
      return value.text.front() == '{' ? kTypeObject : kTypeArray;
    case Kind::Config:
      return value.document->is_object() ? kTypeObject : kTypeArray;
    case Kind::Record:
      return kTypeObject;
  }
  return 0;
}

// declared_types() sets the integer bit for "number" too: "number" alone names both.
std::string type_names(std::uint8_t mask) {
  static const std::pair<std::uint8_t, const char *> kNames[] = {
      {kTypeNull, "null"},       {kTypeBoolean, "boolean"}, {kTypeNumber, "number"},
      {kTypeInteger, "integer"}, {kTypeString, "string"},   {kTypeObject, "object"},
      {kTypeArray, "array"}};
  std::string out;
  for (const auto &[bit, name] : kNames) {
    if ((mask & bit) == 0 || (bit == kTypeInteger && (mask & kTypeNumber))) continue;
    out += (out.empty() ? "" : " or ") + std::string(name);
  }
  return out;
}

[[noreturn]] void fail(const std::string &plugin, const singer::RecordView &record,
                       std::uint64_t line, const std::string &what) {
  throw FatalError(plugin + ": stream '" + std::string(record.stream) + "', line " +
                   std::to_string(line) + ": " + what);
}

// The field named `name`, looked up from `hint` on (fields mostly keep their order).
const singer::Field *find_from(const singer::RecordView &record, std::string_view name,
                               std::size_t &hint) {
  const std::size_t count = record.fields.size();
  for (std::size_t step = 0; step < count; ++step) {
    const std::size_t at = (hint + step) % count;
    if (record.fields[at].name == name) {
      hint = at + 1;
      return &record.fields[at];
    }
  }
  return nullptr;
}

}  // namespace

class RecordWriter {
 public:
  RecordWriter(StreamMaps::Impl &impl, const singer::RecordView &record, std::uint64_t line,
               singer::MessageWriter &out)
      : impl_(impl), record_(record), line_(line), out_(out) {}

  void computed(const OutputProperty &property, const Value &value, const Expression &expression) {
    if ((type_of(value) & property.types) == 0) {
      fail(impl_.plugin, record_, line_,
           "property '" + property.name + "' is " + type_names(property.types) +
               " in the emitted SCHEMA, but the expression \"" + expression.text() + "\" gave " +
               describe(value) +
               " (a new property is a string unless its expression starts with int(, float(, "
               "bool( or str(; an existing one keeps its type)");
    }
    if (!property.children.empty() && value.kind == Kind::Json && value.text.front() == '{') {
      flatten(property, value.text);
      return;
    }
    write(property.name, value, property.json_text);
  }

  void passed(const OutputProperty &property, const singer::Value &value) {
    if (!property.children.empty() && value.kind == singer::ValueKind::Object) {
      flatten(property, value.text);
      return;
    }
    if (property.children.empty() && property.json_text &&
        (value.kind == singer::ValueKind::Object || value.kind == singer::ValueKind::Array)) {
      out_.add_string(property.name, value.text);
      return;
    }
    // A null object with flattened columns leaves them all absent (null); anything else passes.
    if (!property.children.empty() && value.kind == singer::ValueKind::Null) return;
    out_.add_value(property.name, value);
  }

 private:
  void write(std::string_view name, const Value &value, bool json_text) {
    switch (value.kind) {
      case Kind::None:
        out_.add_null(name);
        return;
      case Kind::Bool:
        out_.add_bool(name, value.boolean);
        return;
      case Kind::Int:
        out_.add_int(name, value.integer);
        return;
      case Kind::Decimal:
        out_.add_number(name, value.text);
        return;
      case Kind::Float: {
        if (!std::isfinite(value.real)) {
          fail(impl_.plugin, record_, line_,
               "property '" + std::string(name) + "' computed to " + describe(value) +
                   ", which JSON cannot carry");
        }
        std::string &text = impl_.scratch.string();
        append_float(text, value.real);
        out_.add_number(name, text);
        return;
      }
      case Kind::String:
        out_.add_string(name, value.text);
        return;
      case Kind::Json:
        json_text ? out_.add_string(name, value.text) : out_.add_raw_json(name, value.text);
        return;
      case Kind::List:
      case Kind::Config:
      case Kind::Record: {
        std::string &text = impl_.scratch.string();
        if (value.kind == Kind::Record) {
          fail(impl_.plugin, record_, line_,
               "property '" + std::string(name) +
                   "' computed to the whole record, which is not "
                   "supported");
        }
        append_json(text, value);
        json_text ? out_.add_string(name, text) : out_.add_raw_json(name, text);
        return;
      }
    }
  }

  void flatten(const OutputProperty &property, std::string_view object_text) {
    std::string &padded = impl_.padded;
    padded.assign(object_text);
    padded.resize(object_text.size() + simdjson::SIMDJSON_PADDING);
    simdjson::ondemand::document document;
    simdjson::ondemand::object object;
    if (impl_.parser.iterate(padded.data(), object_text.size(), padded.size()).get(document) ||
        document.get_object().get(object)) {
      malformed(property.name);
    }
    path_.assign(1, property.name);
    flatten_members(object, property.children, property.depth - 1, padded.data() + padded.size());
  }

  void flatten_members(simdjson::ondemand::object &object, const std::vector<FlatNode> &nodes,
                       int levels_left, const char *end) {
    for (auto entry : object) {
      simdjson::ondemand::field field;
      std::string_view key;
      if (std::move(entry).get(field) || singer::detail::read_key(field, end, key)) {
        malformed(path_.front());
      }
      const FlatNode *node = nullptr;
      for (const FlatNode &candidate : nodes) {
        if (candidate.key == key) node = &candidate;
      }
      simdjson::ondemand::value value = field.value();
      simdjson::ondemand::json_type type;
      if (value.type().get(type)) malformed(path_.front());
      if (node != nullptr && !node->children.empty() &&
          type == simdjson::ondemand::json_type::object) {
        simdjson::ondemand::object inner;
        if (value.get_object().get(inner)) malformed(path_.front());
        path_.emplace_back(key);
        flatten_members(inner, node->children, levels_left - 1, end);
        path_.pop_back();
        continue;
      }
      singer::Value leaf;
      if (singer::detail::read_value(value, leaf)) malformed(path_.front());
      std::string column;
      if (node == nullptr) {  // a member the schema does not declare: named as the SDK would
        path_.emplace_back(key);
        column = flattened_column(path_);
        path_.pop_back();
      }
      const std::string_view name = node != nullptr ? std::string_view(node->column) : column;
      if (leaf.kind == singer::ValueKind::Object || leaf.kind == singer::ValueKind::Array) {
        out_.add_string(name, leaf.text);
      } else {
        out_.add_value(name, leaf);
      }
    }
  }

  [[noreturn]] void malformed(const std::string &property) {
    fail(impl_.plugin, record_, line_, "property '" + property + "' is not valid JSON");
  }

  StreamMaps::Impl &impl_;
  const singer::RecordView &record_;
  std::uint64_t line_;
  singer::MessageWriter &out_;
  std::vector<std::string> path_;
};

void StreamMaps::Impl::write_record(const OutputStream &output, const singer::RecordView &record,
                                    std::uint64_t line, singer::MessageWriter &out) {
  scratch.reset();
  ExpressionScope scope{&record, record.stream, &config.map_config, &scratch, nullptr};
  // `operation` is the map key under the stream's ("__filter__", a property); the message is
  // only built when the expression fails.
  auto evaluate = [&](const Expression &expression, std::string_view operation) {
    try {
      return expression.evaluate(scope);
    } catch (const EvaluationError &error) {
      fail(plugin, record, line,
           "stream_maps." + (output.entry ? output.entry->key : output.name) + "." +
               std::string(operation) + ": " + error.what());
    }
  };
  if (output.entry && output.entry->filter) {
    if (!truthy(evaluate(*output.entry->filter, "__filter__"))) return;
  }
  out.begin_record(output.name);
  RecordWriter writer(*this, record, line, out);
  std::size_t hint = 0;
  for (const OutputProperty &property : output.properties) {
    if (property.expression == nullptr) {
      if (const singer::Field *field = find_from(record, property.input, hint)) {
        writer.passed(property, field->value);
      }
      continue;
    }
    Value self;
    std::size_t self_hint = hint;
    const singer::Field *existing = find_from(record, property.name, self_hint);
    if (existing != nullptr) self = value_of(existing->value);
    scope.self = existing != nullptr ? &self : nullptr;
    const Value value = evaluate(*property.expression, property.name);
    writer.computed(property, value, *property.expression);
  }
  if (record.version) {
    out.end_record(record.time_extracted, *record.version);
  } else {
    out.end_record(record.time_extracted);
  }
}

void StreamMaps::map_record(const singer::RecordView &record, std::uint64_t line,
                            singer::MessageWriter &out) {
  Impl &impl = *impl_;
  if (impl.last_outputs == nullptr || impl.last_stream != record.stream) {
    const auto found = impl.streams.find(record.stream);
    if (found == impl.streams.end()) {
      throw FatalError(impl.plugin + ": stream '" + std::string(record.stream) + "', line " +
                       std::to_string(line) +
                       ": a RECORD before the stream's SCHEMA; stream maps need the SCHEMA first");
    }
    impl.last_stream.assign(record.stream);
    impl.last_outputs = &found->second;
  }
  for (const OutputStream &output : *impl.last_outputs) {
    if (output.entry == nullptr && !impl.config.flattening) {
      out.write_record(record);  // a stream without a map passes as it is
      continue;
    }
    impl.write_record(output, record, line, out);
  }
}

}  // namespace chorus::maps
