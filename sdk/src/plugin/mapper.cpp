// Mapper::run: SCHEMA and RECORD go through the mapper's hooks, and so do the records of a
// BATCH message's files (written on as RECORDs); everything else passes through as the line it
// arrived as.
#include "chorus/plugin/mapper.h"

#include "batch_files.h"
#include "chorus/singer/reader.h"

namespace chorus {

void Mapper::write_mapped_schema(singer::SchemaMessage &schema, singer::MessageWriter &out) {
  map_schema(schema);
  out.write_schema(schema.stream, schema.schema, schema.key_properties, schema.bookmark_properties,
                   schema.property_order);
}

void Mapper::run(int in_fd, int out_fd) {
  singer::MessageReader reader(in_fd);
  singer::MessageWriter out(out_fd);
  const BatchFileRoots batch_roots(config());
  singer::Message message;
  std::string held_state;  // the latest STATE line while holds_state()
  auto pass_held_state = [&] {
    if (held_state.empty() || holds_state()) return;
    out.write_line(held_state);
    out.flush();
    held_state.clear();
  };
  while (reader.next(message)) {
    line_number_ = message.line_number;
    switch (message.type) {
      case singer::MessageType::Record:
        map_record(message.record, out);
        break;
      case singer::MessageType::Schema: {
        singer::SchemaMessage schema = singer::as_schema(message);
        write_mapped_schema(schema, out);
        pass_held_state();
        break;
      }
      case singer::MessageType::State:
        if (holds_state()) {
          held_state = message.line;
          break;
        }
        held_state.clear();
        out.write_line(message.line);
        // A STATE is the downstream's cue to commit; it should not sit in our buffer.
        out.flush();
        break;
      case singer::MessageType::ActivateVersion:
        map_activate_version(message, out);
        break;
      case singer::MessageType::Batch:
        // A BATCH's records must pass the mapper too (a PII rule must not be bypassed): they
        // go on as RECORDs.
        for_each_batch_record(singer::as_batch(message), batch_roots,
                              [&](singer::Message &record, const std::string &, std::uint64_t) {
                                map_record(record.record, out);
                              });
        break;
    }
  }
  end_of_input();
  pass_held_state();
  out.flush();
}

}  // namespace chorus
