// `chorus run --partition K/N` and `chorus run --finalize`: one full-table sync split across N
// workers that share a state store, and the step that must happen once after them.
//
// Each slice has a state of its own next to the pipeline's ("NAME.slice-2-of-4"), so its lock
// refuses a second worker on the same slice while other slices run, and its bookmarks resume
// that slice alone. The slices of one sync share a plan ("NAME.partitions": the number of slices
// and the version their records carry), which the first slice to start writes and the others
// read; --finalize checks that every slice finished under the plan's version, has the tap write
// each stream's ACTIVATE_VERSION (the target retires the rows of older versions), and closes
// the plan, so that the next slice to start begins a new sync.
#pragma once

#include <string>

#include "pipeline/pipeline_config.h"
#include "pipeline/pipeline_runner.h"

namespace chorus::host {

struct Partition {
  int index = 0;  // 1..count
  int count = 0;
};

// "2/4". Throws naming the option when it is not K/N with 1 <= K <= N.
Partition parse_partition(const std::string &text);

// Runs slice `slice` of `spec` (exit code as run_pipeline's).
int run_partition(PipelineSpec spec, const RunOptions &options, const Partition &slice);

// Runs the final step of `spec`'s partitioned sync.
int run_finalize(PipelineSpec spec, const RunOptions &options);

}  // namespace chorus::host
