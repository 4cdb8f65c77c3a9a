// Mapper::run: SCHEMA and RECORD go through the mapper's hooks; everything else passes through
// as the line it arrived as.
#include "chorus/plugin/mapper.h"

#include "chorus/singer/reader.h"

namespace chorus {

void Mapper::run(int in_fd, int out_fd) {
  singer::MessageReader reader(in_fd);
  singer::MessageWriter out(out_fd);
  singer::Message message;
  while (reader.next(message)) {
    switch (message.type) {
      case singer::MessageType::Record:
        map_record(message.record, out);
        break;
      case singer::MessageType::Schema: {
        singer::SchemaMessage schema = singer::as_schema(message);
        map_schema(schema);
        out.write_schema(schema.stream, schema.schema, schema.key_properties,
                         schema.bookmark_properties, schema.property_order);
        break;
      }
      case singer::MessageType::State:
        out.write_line(message.line);
        // A STATE is the downstream's cue to commit; it should not sit in our buffer.
        out.flush();
        break;
      case singer::MessageType::ActivateVersion:
      case singer::MessageType::Batch:
        out.write_line(message.line);
        break;
    }
  }
  out.flush();
}

}  // namespace chorus
