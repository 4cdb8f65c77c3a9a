# Shared start of the tap-mysql -> target-postgres scripts: the PostgreSQL helpers
# (tests/postgres/lib.sh, which enters $WORK), the MariaDB ones, and for BASE a source database
# ($db) and a destination database ($target_db), both dropped when the script ends.
#   source "$(dirname "$0")/to_postgres.sh" BASE
mysql_tests=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$mysql_tests/../postgres/lib.sh"
source "$mysql_tests/lib.sh"
throwaway_mysql_database "$1"
db=$LAST_DATABASE
throwaway_database "chorus_$1_dst"
target_db=$LAST_DATABASE
