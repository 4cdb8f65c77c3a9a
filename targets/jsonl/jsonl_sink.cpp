#include "jsonl_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

#include "chorus/plugin/errors.h"
#include "chorus/plugin/key_properties.h"
#include "chorus/singer/errors.h"
#include "chorus/singer/json_number.h"
#include "chorus/singer/reader.h"
#include "chorus/singer/writer.h"
#include "chorus/sql/metadata_columns.h"

namespace chorus::target_jsonl {
namespace {

constexpr const char *kPlugin = "target-jsonl";

// A record's key as the redelivery filter files it; none when the stream has no key or the
// record lacks a key value.
struct RecordKey {
  std::uint64_t digest;                 // of the key values
  std::optional<std::int64_t> integer;  // a key of one integer: its value (canonical_integer)
};

std::optional<RecordKey> key_of(const singer::RecordView &record,
                                const std::vector<std::string> &keys) {
  if (keys.empty()) return std::nullopt;
  file_output::Digest key;
  const singer::Field *field = nullptr;
  for (const std::string &name : keys) {
    field = record.find(name);
    if (field == nullptr || field->value.is_null()) return std::nullopt;
    key.add(static_cast<std::uint64_t>(field->value.kind), field->value.text);
  }
  RecordKey out{key.value(), std::nullopt};
  if (keys.size() == 1 && field->value.kind == singer::ValueKind::Number) {
    out.integer = singer::canonical_integer(field->value.text);
  }
  return out;
}

// Whether the redelivery filter admits a record: its key and content as the filter compares
// them. The content leaves out what differs between two deliveries of one record (the
// per-delivery _sdc_ fields) and null values (a null and a missing property read back alike).
// A line of the file and the record it was written from give the same digests, since the file
// holds the record's own values. A record without a key value (a line written before the
// stream had keys), and any record of a stream without keys, is admitted without a question.
bool admitted(file_output::RedeliveryFilter &filter, const singer::RecordView &record,
              const std::vector<std::string> &keys) {
  const std::optional<RecordKey> key = key_of(record, keys);
  if (!key) return true;
  // The slots arrive while the row's digest is computed.
  filter.prefetch(key->digest);
  file_output::Digest row;
  for (const singer::Field &field : record.fields) {
    if (field.value.is_null() || sql::set_per_delivery(field.name)) continue;
    row.add(field.name);
    row.add(static_cast<std::uint64_t>(field.value.kind), field.value.text);
  }
  // A key of one integer goes to the filter's list of rising keys while keys rise.
  if (key->integer) return filter.admit(key->digest, *key->integer, row.value());
  return filter.admit(key->digest, row.value());
}

// The length of `path` up to and including its last line break: a last line without one was
// being written when a run was interrupted.
std::uint64_t complete_length(const std::string &path, std::uint64_t size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw FatalError(std::string(kPlugin) + ": cannot open '" + path +
                     "': " + std::strerror(errno));
  }
  char block[1 << 16];
  std::uint64_t end = size;
  while (end > 0) {
    const std::uint64_t start = end > sizeof block ? end - sizeof block : 0;
    const ssize_t n = ::pread(fd, block, end - start, static_cast<off_t>(start));
    if (n != static_cast<ssize_t>(end - start)) {
      ::close(fd);
      throw FatalError(std::string(kPlugin) + ": cannot read '" + path + "'");
    }
    for (std::uint64_t i = end - start; i > 0; --i) {
      if (block[i - 1] == '\n') {
        ::close(fd);
        return start + i;
      }
    }
    end = start;
  }
  ::close(fd);
  return 0;
}

}  // namespace

JsonlSink::JsonlSink(StreamInfo info, const nlohmann::json &target_config,
                     const PluginContext &context, JsonlSinkOptions options)
    : AppendingFileSink(std::move(info), target_config, context, kPlugin, options.path),
      options_(std::move(options)) {}

void JsonlSink::open() {
  const std::string &path = options_.path;
  if (const auto size = file_output::file_size(path, kPlugin)) {
    const std::uint64_t complete = complete_length(path, *size);
    if (complete < *size) {
      file_output::cut_to_length(path, complete, kPlugin);
      context().warn(std::string(kPlugin) + ": stream '" + stream() + "': removed the last " +
                     std::to_string(*size - complete) + " bytes of '" + path +
                     "', a line an interrupted run left unfinished");
    }
    if (!info().key_properties.empty() && complete > 0) {
      int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        throw FatalError(std::string(kPlugin) + ": cannot open '" + path +
                         "': " + std::strerror(errno));
      }
      singer::ObjectLineReader lines(fd);
      singer::RecordView row;
      try {
        while (lines.next(row)) admitted(redelivered_, row, info().key_properties);
      } catch (const singer::ProtocolError &error) {
        ::close(fd);
        throw FatalError(std::string(kPlugin) + ": stream '" + stream() + "': '" + path +
                         "' is not a JSON Lines file this target can append to (" + error.what() +
                         "); move it away or set another destination_path");
      }
      ::close(fd);
    }
  }
  file_ = std::make_unique<file_output::OutputFile>(path, file_output::OutputFile::Mode::Append,
                                                    kPlugin);
}

void JsonlSink::accept_record(const singer::RecordView &record, const RecordMeta &meta) {
  key_properties::require_values(info(), record, meta.line_number, kPlugin);
  if (!file_) open();
}

void JsonlSink::prefetch_record(const singer::RecordView &record) {
  // Keys that rise are not looked up (see RedeliveryFilter::admit): no slots to load.
  if (redelivered_.keys_rising()) return;
  if (const auto key = key_of(record, info().key_properties)) redelivered_.prefetch(key->digest);
}

void JsonlSink::write_record(const singer::RecordView &record, const RecordMeta &meta) {
  if (!admitted(redelivered_, record, info().key_properties)) {
    ++skipped_;
    return;
  }
  if (pending_rows_ == 0) batched_at_ = meta.received_at;

  std::string &out = file_->buffer();
  out.push_back('{');
  bool first = true;
  for (const singer::Field &field : record.fields) {
    // With metadata on, the target's own values replace those the record brought along.
    if (add_record_metadata() && sql::set_per_delivery(field.name)) continue;
    if (!first) out.push_back(',');
    first = false;
    singer::append_json_string(out, field.name);
    out.push_back(':');
    singer::append_json_value(out, field.value);
  }
  if (add_record_metadata()) {
    for (const sql::MetadataField &field : sql::metadata_fields()) {
      if (!field.per_delivery && record.find(field.name) != nullptr) continue;
      if (!first) out.push_back(',');
      first = false;
      singer::append_json_string(out, field.name);
      out.push_back(':');
      if (field.source == sql::MetadataSource::Sequence) {
        out.append(sequence_digits_.of(meta.sequence));
      } else {
        singer::append_json_value(
            out, sql::metadata_value(field.source, record, meta, batched_at_, scratch_));
      }
    }
  }
  out += "}\n";
  file_->maybe_flush();
  ++pending_rows_;
}

}  // namespace chorus::target_jsonl
