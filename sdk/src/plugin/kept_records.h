// Records a sink keeps past process_record(): owned copies of the records and of their
// metadata, whose received_at views the loop reuses for the next record.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "chorus/plugin/target.h"

namespace chorus {

struct KeptRecords {
  singer::RecordBatch batch;
  std::vector<RecordMeta> metas;
  // One copy per distinct received_at value (they repeat and only grow); deque elements never
  // move, so the views in metas stay valid until clear().
  std::deque<std::string> received_at_storage;

  void add(const singer::RecordView &record, const RecordMeta &meta) {
    batch.append(record, meta.line_number, meta.line);
    if (received_at_storage.empty() || received_at_storage.back() != meta.received_at) {
      received_at_storage.emplace_back(meta.received_at);
    }
    // Member by member into its place: a copy of a whole RecordMeta built on the stack makes
    // GCC load, with wide loads, what narrower stores have just written, and wait for them.
    RecordMeta &kept = metas.emplace_back();
    kept.line_number = meta.line_number;
    kept.sequence = meta.sequence;
    kept.received_at = received_at_storage.back();
    // kept.line stays empty: the loop's buffer is reused for the next records.
  }

  void clear() {
    batch.clear();
    metas.clear();
    received_at_storage.clear();
  }
};

}  // namespace chorus
