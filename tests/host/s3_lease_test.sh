#!/usr/bin/env bash
# An S3 state's lock whose holder ran on another host and was SIGKILLed: its pid cannot be
# checked from here, so the lock stands until its lease (`state_lock_lease:`) runs out; a worker
# that comes meanwhile is refused, naming the holder and the time left, and the first worker
# after the lease ran out takes the lock over and resumes from the state the killed one stored.
# The holder runs under another host name in a UTS namespace of its own (unshare -u).
source "$(dirname "$0")/lib.sh"
need_servers CHORUS_TEST_S3_ENDPOINT
if ! unshare -u true 2>/dev/null; then
  echo "skipped: unshare -u (a UTS namespace, to run a worker under another host name) is not permitted here" >&2
  exit 77
fi
export AWS_ENDPOINT_URL_S3=$CHORUS_TEST_S3_ENDPOINT AWS_REGION=${CHORUS_TEST_S3_REGION:-us-east-1}
export AWS_ACCESS_KEY_ID=$CHORUS_TEST_S3_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY=$CHORUS_TEST_S3_SECRET_ACCESS_KEY
export AWS_EC2_METADATA_DISABLED=true
unique="$$_$RANDOM"
state="s3://$CHORUS_TEST_S3_BUCKET/lease-$unique/items.json"
lease=15

pipeline() {  # RECORDS [MORE TAP SETTINGS]
  cat >pipe.yml <<YAML
name: lease-$unique
state: $state
state_lock_lease: $lease
tap: {plugin: tap-fixture, config: {records: $1, state_every: 5 ${2:-}}}
target: {plugin: target-fixture, config: {path: out.jsonl}}
YAML
}

pipeline 100 ', hang_after: 7'
unshare -u sh -c 'hostname chorus-elsewhere && exec "$0" run --pipeline pipe.yml' "$CHORUS" >held.out 2>held.err &
holder=$!
trap 'kill -KILL "$holder" 2>/dev/null; rm -rf "$WORK"' EXIT
until=$((SECONDS + 120))
while ((SECONDS < until)) && [[ -z $(last_id "$state") ]]; do sleep 0.2; done
stored=$(last_id "$state")
[[ -n $stored ]] || fail "the holder never stored a bookmark: $(tail -3 held.err)"
kill -KILL "$holder"
wait "$holder" 2>/dev/null

rm -f out.jsonl
pipeline 20
expect_exit 1 "a worker while the killed holder's lease runs" -- "$CHORUS" run --pipeline pipe.yml
expect_contains err "is in use by chorus run lease-$unique (pid $holder on host chorus-elsewhere" \
  "the refusal names the holder on the other host"
expect_contains err "whose lease runs out within" "the refusal says the lease is running out"
expect_equal "$(last_id "$state")" "$stored" "the refused worker left the state alone"

# The lease is not renewed any more: a worker takes over once it ran out.
until=$((SECONDS + 120))
taken=no
while ((SECONDS < until)); do
  if "$CHORUS" run --pipeline pipe.yml >out 2>err; then
    taken=yes
    break
  fi
  grep -qF "is in use by chorus run lease-$unique (pid $holder" err || break
  sleep 1
done
expect_equal "$taken" yes "a worker took the lock over after the lease ran out"
expect_contains err "taking over the lock left by chorus run lease-$unique (pid $holder on host chorus-elsewhere" \
  "the lock is taken over, naming the killed holder"
expect_equal "$(first_id out.jsonl 2>/dev/null)" "$((stored + 1))" "the new worker resumed after the killed holder's last bookmark"
expect_equal "$(last_id "$state")" 20 "the new worker stored its bookmark"

pipeline 20
sed -i 's/^state_lock_lease: .*/state_lock_lease: 1/' pipe.yml
expect_exit 1 "a lease shorter than 3 s" -- "$CHORUS" run --pipeline pipe.yml
expect_contains err "state_lock_lease must be a whole number of seconds from 3 to 86400" "the bad lease is named"
finish
