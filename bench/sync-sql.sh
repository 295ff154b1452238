#!/usr/bin/env bash
# The database's share of a sync push (issue 16), A/B in one run: the V601 functions (dynamic SQL per push) against
# the current migrations, on 200 pushes of 50 varied operations (20 users x 10 batches), one transaction each. Prints
# the backend's CPU time (from /proc: the server must run on this machine) and wall time per push for each, and the
# ratio. Needs psql and python3; uses two scratch databases it drops afterwards. Usage: bench/sync-sql.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
host=${PGHOST:-127.0.0.1}; user=${PGUSER:-postgres}
export PGOPTIONS="-c client_min_messages=warning"
psql_() { psql -h "$host" -U "$user" -v ON_ERROR_STOP=1 -q "$@"; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"; for d in pokepedia_bench_sql_v601 pokepedia_bench_sql_now; do psql_ -d postgres -c "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1 || true; done' EXIT
python3 bench/sync-sql/gen_bodies.py 20 10 "$tmp/bodies.csv"
migrations=sync/src/main/resources/db/migration
for d in pokepedia_bench_sql_v601 pokepedia_bench_sql_now; do
  psql_ -d postgres -c "DROP DATABASE IF EXISTS $d" -c "CREATE DATABASE $d" >/dev/null
  if [ "$d" = pokepedia_bench_sql_v601 ]; then files="$migrations/V600__sync_schema.sql $migrations/V601__sync_functions.sql"; else files=$(ls $migrations/V6*.sql); fi
  for f in $files; do psql_ -d "$d" -f "$f" >/dev/null; done
  # why sed: psql does not interpolate variables in \copy
  sed "s|:'bodies'|'$tmp/bodies.csv'|" bench/sync-sql/harness.sql > "$tmp/harness.sql"
  psql_ -d "$d" -f "$tmp/harness.sql" >/dev/null 2>&1
done
printf '%-28s %12s %12s %12s\n' "functions" "cpu ms/push" "wall ms/push" "wall p50"
declare -A cpu
for r in $(seq "$rounds"); do
  for d in pokepedia_bench_sql_v601 pokepedia_bench_sql_now; do
    psql_ -d "$d" -c "CALL bench_reset()" >/dev/null 2>&1
    out=$(psql -h "$host" -U "$user" -d "$d" -q 2>&1 <<'SQL'
SELECT pg_backend_pid() AS pid \gset
\setenv PID :pid
\! awk '{print "before", $14+$15}' /proc/$PID/stat
CALL bench_run(0, 9);
\! awk '{print "after", $14+$15}' /proc/$PID/stat
SQL
)
    b=$(echo "$out" | awk '/^before/{print $2}'); a=$(echo "$out" | awk '/^after/{print $2}')
    ms=$(( (a - b) * 10 ))  # clock ticks of 10 ms
    mean=$(echo "$out" | sed -n 's/.*mean \([0-9.]*\) ms.*/\1/p'); p50=$(echo "$out" | sed -n 's/.*p50 \([0-9.]*\) ms.*/\1/p')
    cpu[$d]=$(( ${cpu[$d]:-0} + ms ))
    printf '%-28s %12s %12s %12s\n' "${d#pokepedia_bench_sql_} (round $r)" "$(awk "BEGIN{printf \"%.2f\", $ms/200}")" "$mean" "$p50"
  done
done
awk -v o="${cpu[pokepedia_bench_sql_v601]}" -v n="${cpu[pokepedia_bench_sql_now]}" \
  'BEGIN{printf "database CPU per push: V601 %.2f ms, now %.2f ms: %.2fx less\n", o/200/'"$rounds"', n/200/'"$rounds"', o/n}'
