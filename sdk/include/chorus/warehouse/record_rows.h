// Turns Singer records into staged CSV rows for a warehouse table: one column per planned
// property, plus the _sdc_ metadata columns filled from the record and the target loop.
#pragma once

#include <string>
#include <vector>

#include "chorus/plugin/target.h"
#include "chorus/s3/staging.h"
#include "chorus/singer/message.h"
#include "chorus/singer/record_batch.h"
#include "chorus/sql/metadata_columns.h"

namespace chorus::warehouse {

class RecordRowWriter {
 public:
  // `sources[i]` names what feeds column i: a record property, or one of the _sdc_ metadata
  // columns, filled as chorus/sql/metadata_columns.h says (`batched_at` for
  // "_sdc_batched_at"). A record property of the same name wins over the metadata value, so a
  // tap's own "_sdc_deleted_at" is loaded as sent. Anything absent is NULL.
  RecordRowWriter(std::vector<std::string> sources, std::string batched_at);

  // Not thread-safe: it remembers where each property was found in the previous record.
  void write(s3::StagingWriter &writer, const singer::RecordView &record,
             const RecordMeta &meta) const;

 private:
  std::vector<std::string> sources_;
  std::vector<const sql::MetadataField *> metadata_;  // per column: null for a property
  std::string batched_at_;
  mutable std::vector<std::size_t> hints_;  // per column: its property's index last time
  mutable std::string scratch_;             // the text of a metadata number
};

// Stages a batch held in memory: a row per record, written by a RecordRowWriter, into files
// filled as `options` says (the writer knows the batch's row count, so files are uploaded while
// later ones fill). Every file is stored when it returns.
s3::StagedBatch stage_batch(s3::Client &client, s3::StagingOptions options,
                            const RecordRowWriter &rows, const singer::RecordBatch &batch,
                            const std::vector<RecordMeta> &metas);

}  // namespace chorus::warehouse
