# Sourced by scripted tests that load into target-snowflake (after tests/script_checks.sh, in
# $WORK). start_sql_api_standin starts sql_api_server.js for the user ACME.LOADER with a fresh
# key pair; the server records the statements it accepts in $WORK/requests.jsonl and exits when
# the script's end closes its stdin. It sets SQL_API_STANDIN_CONFIG: the target-snowflake config
# entries (JSON members, also YAML) that reach it as that user.
start_sql_api_standin() {
  local port key
  command -v node >/dev/null || { echo "node missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/key.pem" 2>/dev/null
  openssl pkey -in "$WORK/key.pem" -pubout -out "$WORK/pub.pem"
  # The stand-in prints its port first.
  coproc SQL_API { exec node "$(dirname "${BASH_SOURCE[0]}")/sql_api_server.js" "$WORK/requests.jsonl" "$WORK/pub.pem" ACME.LOADER; }
  read -r -u "${SQL_API[0]}" port
  [[ "$port" =~ ^[0-9]+$ ]] || { echo "the SQL API stand-in did not start: $port" >&2; exit 1; }
  key=$(python3 -c 'import json, sys; print(json.dumps(open(sys.argv[1]).read()))' "$WORK/key.pem")
  SQL_API_STANDIN_CONFIG="\"account\": \"acme\", \"user\": \"loader\", \"private_key\": $key, \"database\": \"ANALYTICS\", \"warehouse\": \"LOAD_WH\", \"role\": \"LOADER\", \"sql_api_url\": \"http://127.0.0.1:$port\""
}
