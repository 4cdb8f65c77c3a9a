# Shared helpers of the host's scripted tests. CTest sets CHORUS (the program) and FIXTURES (the
# fixture plugin folder).
source "$(dirname "${BASH_SOURCE[0]}")/../script_checks.sh"
: "${FIXTURES:?FIXTURES must point at the fixture plugin folder}"

# The last_id bookmark tap-fixture left for stream items in state $1 ("" when there is none).
last_id() {
  "$CHORUS" state get --state "$1" --stream items 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin).get("last_id", ""))' 2>/dev/null
}

# The id of the first record the fixture target wrote to FILE.
first_id() {
  python3 -c '
import json, sys
for line in open(sys.argv[1]):
    message = json.loads(line)
    record = message.get("record", message)
    if "id" in record:
        print(record["id"])
        break
' "$1"
}
