# Sourced by the benchmark scripts. load_services_env BUILD-DIR VARIABLE: unless VARIABLE is
# already set, reads the test servers' settings (CHORUS_TEST_*) from the env file
# scripts/test-services.sh writes, in BUILD-DIR/services or the repository's build/services.
load_services_env() {
  local repo env_file
  repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  for env_file in "$1/services/env" "$repo/build/services/env"; do
    if [ -z "${!2:-}" ] && [ -f "$env_file" ]; then
      # shellcheck disable=SC1090
      . "$env_file"
    fi
  done
}
