// The long_text setting: what target-redshift does with a string longer in bytes than its
// VARCHAR column (at most 65,535 bytes), which Redshift's COPY would reject with the whole
// batch. "refuse" (the default) fails the run naming the record (see
// RedshiftDialect::refusal()); "truncate" cuts the value to what fits, at a UTF-8 character
// boundary, with one warning per stream and property.
#pragma once

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "chorus/singer/record_batch.h"
#include "chorus/sql/table_plan.h"

namespace chorus::target_redshift {

enum class LongText { Refuse, Truncate };

// The long_text setting of `config` ("refuse" when absent).
LongText long_text_of(const nlohmann::json &config);

// The length of the longest prefix of the UTF-8 `text` that takes at most `max_bytes` bytes
// and ends at a character boundary.
std::size_t utf8_prefix_length(std::string_view text, std::size_t max_bytes);

// Cuts one stream's long text values, remembering which properties it warned about.
class LongTextCutter {
 public:
  using Warn = std::function<void(const std::string &)>;
  LongTextCutter(std::string plugin, std::string stream, Warn warn);

  // `batch` when none of its Text values is longer than its column; otherwise a copy owned by
  // the cutter (valid until the next call) with those values cut. The first cut value of each
  // property is warned about: stream, Singer line, property, original and kept bytes.
  const singer::RecordBatch &cut(const sql::TablePlan &plan, const singer::RecordBatch &batch);

 private:
  std::string plugin_;
  std::string stream_;
  Warn warn_;
  std::set<std::string> warned_;
  singer::RecordBatch cut_;
};

}  // namespace chorus::target_redshift
