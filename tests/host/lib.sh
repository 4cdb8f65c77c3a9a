# Shared helpers of the host's scripted tests. CTest sets CHORUS (the program) and FIXTURES (the
# fixture plugin folder).
source "$(dirname "${BASH_SOURCE[0]}")/../script_checks.sh"
: "${FIXTURES:?FIXTURES must point at the fixture plugin folder}"
