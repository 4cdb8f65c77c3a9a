# shellcheck shell=bash
# Sourced by the benchmark scripts: the one way they time a command.
#
# median_runs RUNS LOG RESET COMMAND: runs `bash -c COMMAND` RUNS times, each after `bash -c
# RESET` (what makes the runs alike, such as removing the output of the run before) and a sync
# (the inputs just generated and the output of the run before are written back first: the
# targets sync their files, and the kernel's writeback of other files would land in their
# time). The command's output goes to LOG. Sets median_seconds (the median wall time, "0.123")
# and peak_rss_kib (the largest process of the command, over the runs). Returns 1 when a run
# fails, its output in LOG. One run alone mostly shows the noise: on these shared machines one
# run in three or four pays for memory the system has not handed out before (the first run
# after an input is generated, most of all), and for other tenants' work.
median_runs() {
  local runs=$1 log=$2 reset=$3 command=$4 run start end times=()
  # shellcheck disable=SC2034  # both are the caller's
  peak_rss_kib=0
  for ((run = 0; run < runs; run++)); do
    bash -c "$reset"
    sync
    start=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$log.rss" bash -c "$command" >"$log" 2>&1 || return 1
    end=$(date +%s%N)
    times+=($((end - start)))
    peak_rss_kib=$(awk -v a="$peak_rss_kib" '{ print ($1 > a ? $1 : a) }' "$log.rss")
  done
  # shellcheck disable=SC2034
  median_seconds=$(printf "%s\n" "${times[@]}" | sort -n |
    awk '{ t[NR] = $1 } END { printf "%.3f", t[int((NR + 1) / 2)] / 1e9 }')
}
