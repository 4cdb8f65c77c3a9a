// Runs a pipeline: tap -> mappers -> target, connected by pipes, the target's STATE output
// followed into the state file.
#pragma once

#include <string>

#include "pipeline/pipeline_config.h"

namespace chorus::host {

struct RunOptions {
  bool isolate = false;       // every chorus plugin in its own child process
  bool full_refresh = false;  // ignore the stored state
  // Seconds between progress log lines when stderr is not a terminal (0: none). 60 is the
  // cadence of the Meltano SDK's METRIC lines.
  double progress_interval = 60;
  // Who the state's lock names ("chorus run orders --partition 2/4"); empty: "chorus run NAME".
  std::string lock_purpose;
};

// Runs to completion and returns the exit code: 0; 1 when a member failed (each failure is
// logged, naming the member, the root cause first: run_outcome.h) or the record counts do not
// add up (record_ledger.h); 128+signal when stopped by SIGINT/SIGTERM (after the target drained
// and its state was stored). Problems found before anything runs (a plugin not found, a config
// rejected) are logged too, and give 1. The last line logged is always "run succeeded: ..." or
// "run failed: ...".
int run_pipeline(const PipelineSpec &spec, const RunOptions &options);

}  // namespace chorus::host
