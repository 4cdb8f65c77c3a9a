# Shared helpers of the end-to-end scripts. CTest sets CHORUS (the program) and
# CHORUS_PLUGIN_PATH (the build tree's plugins).
source "$(dirname "${BASH_SOURCE[0]}")/../script_checks.sh"
command -v sqlite3 >/dev/null || { echo "sqlite3 CLI missing (scripts/install-deps.sh installs it)" >&2; exit 1; }

# write_orders FILE FIRST LAST: orders FIRST..LAST, LastUpdated rising with the id.
write_orders() {
  python3 - "$@" <<'PY'
import sys
path, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "a") as f:
    if first == 1:
        f.write("OrderId,Customer,Amount,LastUpdated\n")
    for i in range(first, last + 1):
        f.write(f"{i},customer {i % 97},{i * 3}.25,2024-01-01T00:00:00Z\n".replace(
            "2024-01-01T00:00:00Z", f"2024-{1 + i // 100000:02d}-01T{(i // 3600) % 24:02d}:{(i // 60) % 60:02d}:{i % 60:02d}Z"))
PY
}
