#!/usr/bin/env bash
# Fails when a tracked C or C++ file differs from what clang-format (with the repository's
# .clang-format) makes of it, and lists those files. `scripts/check-format.sh --fix` rewrites
# them instead.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.c' '*.cc' '*.cpp' '*.h' '*.hpp')
if [[ "${1:-}" == --fix ]]; then
  clang-format -i "${files[@]}"
  exit 0
fi
unformatted=()
for file in "${files[@]}"; do
  clang-format --dry-run -Werror "$file" >/dev/null 2>&1 || unformatted+=("$file")
done
if ((${#unformatted[@]})); then
  echo "chorus: ${#unformatted[@]} file(s) are not clang-formatted (scripts/check-format.sh --fix):" >&2
  printf '  %s\n' "${unformatted[@]}" >&2
  exit 1
fi
echo "chorus: all ${#files[@]} C/C++ files are clang-formatted"
