#!/usr/bin/env bash
# Kill campaign for the file pipelines: tap-csv -> target-jsonl, target-csv, target-sqlite, and
# tap-csv -> target-csv under --isolate with only the target's child process killed. For each
# mode: SIGKILL at random instants, resume after each kill, then one last run to the end, and
# compare the destination with the source exactly (row count, distinct keys, and a SHA-256 over
# every column in key order), read back with Python's json, csv and sqlite3 modules.
#
#   scripts/kill-campaign-files.sh [--rows N] [--kills K] [--modes "jsonl csv sqlite isolate-csv"]
#                                  [--max-delay SECONDS] [--seed S] [--work DIR]
#
# CHORUS (the program, default build/main/chorus) and CHORUS_PLUGIN_PATH (default
# build/main/plugins) may be set. Prints one result line per mode and exits non-zero when any
# mode lost or duplicated a row.
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
CHORUS=${CHORUS:-$repo/build/main/chorus}
export CHORUS_PLUGIN_PATH=${CHORUS_PLUGIN_PATH:-$repo/build/main/plugins}
rows=200000
kills=5
modes="jsonl csv sqlite isolate-csv"
max_delay=""
seed=$RANDOM
work=""
while (($#)); do
  case $1 in
    --rows) rows=$2; shift 2 ;;
    --kills) kills=$2; shift 2 ;;
    --modes) modes=$2; shift 2 ;;
    --max-delay) max_delay=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
if [[ -z $work ]]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/chorus-kill-campaign.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
# Odd kills land within max_delay of the start (start-up, the file scan, the first rows); even
# kills just after the run stored a new state, while rows flow.
[[ -n $max_delay ]] || max_delay=0.4
max_delay_ms=$(python3 -c "print(max(100, int($max_delay * 1000)))")
RANDOM=$seed
echo "kill campaign: $rows rows, $kills kills per mode, kill instants up to ${max_delay}s, seed $seed"
started_at=$(date +%s)

# The source: keys 1..N, a replication key rising with the key, text with commas, quotes and
# line breaks (so that a kill can cut a CSV row inside a quoted cell), exact decimals.
python3 - "$work/orders.csv" "$rows" <<'PY'
import csv, datetime, sys
path, n = sys.argv[1], int(sys.argv[2])
start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
with open(path, "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["OrderId", "Customer", "Amount", "Note", "LastUpdated"])
    for i in range(1, n + 1):
        note = f'say "hi", line\nbreak {i}' if i % 7 == 0 else f"plain {i}"
        at = (start + datetime.timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        w.writerow([i, f"customer {i % 97}", f"{i * 3}.{i % 100:02d}", note, at])
PY

# verify MODE DIR: "rows distinct hash" of the destination; the source's with MODE=source.
verify() {
  python3 - "$1" "$2" "$work/orders.csv" <<'PY'
import csv, decimal, hashlib, json, sqlite3, sys
mode, folder, source = sys.argv[1], sys.argv[2], sys.argv[3]
cols = ["OrderId", "Customer", "Amount", "Note", "LastUpdated"]
def text(v):
    return "" if v is None else str(v)
if mode in ("source", "source-numbers"):
    with open(source, newline="") as f:
        rows = [[r[c] for c in cols] for r in csv.DictReader(f)]
elif mode == "jsonl":
    rows = []
    with open(f"{folder}/orders.jsonl") as f:
        for line in f:
            d = json.loads(line, parse_float=str, parse_int=str)
            rows.append([text(d.get(c)) for c in cols])
elif mode.endswith("csv"):
    with open(f"{folder}/orders.csv", newline="") as f:
        rows = [[r[c] for c in cols] for r in csv.DictReader(f)]
else:
    db = sqlite3.connect(f"{folder}/out.db")
    rows = [[text(v) for v in r] for r in db.execute(
        'select "OrderId", "Customer", "Amount", "Note", "LastUpdated" from orders')]
# target-sqlite keeps a decimal as REAL when the double reads back as the same number (1234.5
# for 1234.50), so its Amount is compared as a number; the files keep the text digit for digit.
if mode in ("source-numbers", "sqlite"):
    for r in rows:
        r[2] = format(decimal.Decimal(repr(float(r[2])) if mode == "sqlite" else r[2]).normalize(), "f")
rows.sort(key=lambda r: int(r[0]))
digest = hashlib.sha256("\n".join("\x1f".join(r) for r in rows).encode()).hexdigest()
print(len(rows), len({r[0] for r in rows}), digest)
PY
}

# One run of MODE into DIR in the background; sets run_pid.
start_run() {
  local mode=$1 dir=$2 target=target-${1#isolate-} config isolate=()
  [[ $mode == isolate-* ]] && isolate=(--isolate)
  case $target in
    target-sqlite) config="{\"database\":\"$dir/out.db\",\"batch_size_rows\":5000}" ;;
    *) config="{\"destination_path\":\"$dir\",\"batch_size_rows\":5000}" ;;
  esac
  "$CHORUS" run "${isolate[@]}" tap-csv "$target" --config "tap-csv=$work/tap.json" \
    --config "$target=$config" --state "$dir/state.json" >>"$dir/log" 2>&1 &
  run_pid=$!
}

cat >"$work/tap.json" <<JSON
{"state_every": 1000, "files": [{"entity": "orders", "path": "$work/orders.csv",
  "keys": ["OrderId"], "replication_key": "LastUpdated"}]}
JSON
read -r want_rows want_keys want_hash < <(verify source "")
read -r _ _ want_number_hash < <(verify source-numbers "")
status=0
for mode in $modes; do
  dir="$work/$mode"
  rm -rf "$dir"
  mkdir -p "$dir"
  hits=0
  for ((k = 1; k <= kills; k++)); do
    state_before=$({ md5sum <"$dir/state.json"; } 2>/dev/null)
    start_run "$mode" "$dir"
    victim=$run_pid
    if [[ $mode == isolate-* ]]; then
      # Only the target's child: the host forks the tap's child first, then the target's, so
      # the target's is the higher pid of the two (noted while both live).
      victim=""
      for _ in $(seq 1 500); do
        children=$(pgrep -P "$run_pid" | sort -n)
        if (($(wc -w <<<"$children") >= 2)); then
          victim=$(tail -1 <<<"$children")
          break
        fi
        kill -0 "$run_pid" 2>/dev/null || break
        sleep 0.01
      done
    fi
    if ((k % 2 == 1)); then
      # Any instant from the start: start-up, the file scan, the first rows.
      delay_ms=$((RANDOM % max_delay_ms))
    else
      # While rows flow: once this run has committed a new state, within the next 100 ms.
      for _ in $(seq 1 3000); do
        [[ $({ md5sum <"$dir/state.json"; } 2>/dev/null) != "$state_before" ]] && break
        kill -0 "$run_pid" 2>/dev/null || break
        sleep 0.01
      done
      delay_ms=$((RANDOM % 100))
    fi
    sleep "$((delay_ms / 1000)).$(printf %03d $((delay_ms % 1000)))"
    if [[ -n $victim ]] && kill -KILL "$victim" 2>/dev/null; then
      hits=$((hits + 1))
    fi
    # The host outlives a killed child: it must notice, stop the tap and exit on its own.
    for _ in $(seq 1 600); do kill -0 "$run_pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$run_pid" 2>/dev/null; then
      echo "FAIL $mode: the run did not end within 60s after its target was killed" >&2
      kill -KILL "$run_pid"
      status=1
    fi
    { wait "$run_pid"; } 2>/dev/null
    if [[ -s $dir/state.json ]] && ! python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$dir/state.json"; then
      echo "FAIL $mode: state file torn after kill $k" >&2
      status=1
    fi
  done
  began=$(date +%s.%N)
  start_run "$mode" "$dir"
  wait "$run_pid"
  code=$?
  resume_s=$(python3 -c "import time; print(round(time.time() - $began, 2))")
  if ((code != 0)); then
    echo "FAIL $mode: the last resume exited $code" >&2
    tail -20 "$dir/log" >&2
    status=1
  fi
  read -r got_rows got_keys got_hash < <(verify "$mode" "$dir")
  lost=$((want_keys - got_keys))
  duplicated=$((got_rows - got_keys))
  verdict=ok
  expected_hash=$want_hash
  [[ $mode == sqlite ]] && expected_hash=$want_number_hash
  if [[ $got_rows != "$want_rows" || $got_keys != "$want_keys" || $got_hash != "$expected_hash" ]]; then
    verdict=MISMATCH
    status=1
  fi
  echo "mode=$mode rows=$got_rows/$want_rows distinct=$got_keys kills=$hits of $kills hit a live run" \
    "final_resume_s=$resume_s lost=$lost duplicated=$duplicated hash=$verdict"
done
echo "campaign took $(($(date +%s) - started_at)) s"
exit $status
