# Sourced by the PostgreSQL benchmarks with $build (the build folder) and $repo set: loads the
# settings of scripts/test-services.sh, from CHORUS_TEST_PG_* when set, else from its env file in
# $build/services or build/services, and stops the benchmark when there is no server.
for env_file in "$build/services/env" "$repo/build/services/env"; do
  if [ -z "${CHORUS_TEST_PG_HOST:-}" ] && [ -f "$env_file" ]; then
    # shellcheck disable=SC1090
    . "$env_file"
  fi
done
: "${CHORUS_TEST_PG_HOST:?PostgreSQL settings missing: start scripts/test-services.sh}"
