// The Meltano SDK's "_sdc_" record metadata, for targets that write rows themselves (files):
// which fields there are, what each holds for a record, and which of them differ between two
// deliveries of the same record.
//
//   _sdc_extracted_at   the RECORD's time_extracted (null without one)
//   _sdc_received_at    when the target read the RECORD (RFC 3339 UTC, milliseconds)
//   _sdc_batched_at     when the batch holding the record began
//   _sdc_deleted_at     the record's own _sdc_deleted_at (the tap sets it on deletes), else null
//   _sdc_sequence       RecordMeta::sequence: grows with every record, across runs too
//   _sdc_table_version  the RECORD's version (null without one)
//
// The names are those of chorus::sql (metadata_columns.h), so files and tables agree.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "chorus/plugin/target.h"
#include "chorus/singer/message.h"

namespace chorus::record_metadata {

// The six names, in the order above.
const std::array<std::string_view, 6> &field_names();

// True for the fields the target sets anew on every delivery (all but _sdc_deleted_at): a
// record sent again differs from its first delivery only in these.
bool set_per_delivery(std::string_view name);

// The value field `name` (one of field_names()) has for `record`. `scratch` holds the text of
// a number made here; the value may point into it, into `record`, `meta` or `batched_at`.
singer::Value value_of(std::string_view name, const singer::RecordView &record,
                       const RecordMeta &meta, std::string_view batched_at, std::string &scratch);

}  // namespace chorus::record_metadata
