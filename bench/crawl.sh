#!/usr/bin/env bash
# Crawl benchmark: `seed` + `work --drain` of the whole 2026-07-10 snapshot served by `serve-snapshot` on loopback
# (documents/s), then a second pass where every document answers 304, then a crawl with 10% injected 503s (completes;
# retries counted). Baseline measured in the same run: `import` of the same snapshot (the bulk path). Also checks that
# the crawled rows hash exactly like the imported ones.
# Optionally, PokeAPI/ditto's `clone` of the same server in the same run (it only writes files): set DITTO to a script
# that takes `<base URL> <folder>` and clones every endpoint but `meta` (see docs/benchmarks.md for how it is set up).
# Usage: bench/crawl.sh [concurrency]     (needs ../shared/data/pokeapi and PostgreSQL on 127.0.0.1:5432)
# Environment: SNAPSHOT (default ../shared/data/pokeapi/api-data-2026-07-10.tar.gz), POKEPEDIA (launcher, default ./pokepedia), BENCH_DB_PREFIX (scratch database names, default bench_),
# CRAWL_ONLY=1 (skip the 304 and 503 runs), DITTO (see above; needs Debian's python3-requests/tqdm/yarl).
set -euo pipefail
cd "$(dirname "$0")/.."
snap=${SNAPSHOT:-../shared/data/pokeapi/api-data-2026-07-10.tar.gz}
conc=${1:-16}
pk=${POKEPEDIA:-./pokepedia}
p=${BENCH_DB_PREFIX:-bench_}
crawl_only=${CRAWL_ONLY:-0}
worklog=/tmp/${p}crawl-work.log
pg() { psql -h 127.0.0.1 -U postgres -qAt "$@"; }
url() { echo "postgresql://postgres@127.0.0.1:5432/$1"; }
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; for d in ${p}crawl ${p}crawl_flaky ${p}import; do dropdb -h 127.0.0.1 -U postgres --if-exists "$d" 2>/dev/null || true; done; rm -rf "${ditto_dir:-}"; }
trap cleanup EXIT
serve() { # serve-snapshot on a free port with extra flags, in the background; sets $served to its base URL
  # why not $(serve): a command substitution is a subshell, and the server's pid would never reach the cleanup
  local log; log=$(mktemp); "$pk" serve-snapshot "$snap" "$@" > "$log" 2>&1 & pids+=($!)
  until grep -q 'serving .* at http' "$log"; do kill -0 "${pids[-1]}" 2>/dev/null || { cat "$log" >&2; exit 1; }; sleep 0.5; done
  served=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -1)
}
now() { date +%s.%N; }
hashes() { pg -d "$1" -c "SELECT md5(string_agg(resource_type||'/'||resource_key||'='||sha256, ',' ORDER BY resource_type, resource_key)) FROM pokeapi_resources WHERE deleted_at IS NULL"; }
crawl() { # db base → seconds for seed + drain; work output in "$worklog"
  local s; s=$(now)
  "$pk" seed --db "$(url "$1")" --from "$2" > /dev/null
  "$pk" work --db "$(url "$1")" --drain --queue ingest --rate 0 --concurrency "$conc" --upstream-concurrency "$conc" > "$worklog" 2>&1
  echo "$(now) - $s" | bc
}

echo "preparing (not timed): build, databases, servers…" >&2
"$pk" --version > /dev/null
for d in ${p}crawl ${p}crawl_flaky ${p}import; do dropdb -h 127.0.0.1 -U postgres --if-exists "$d"; createdb -h 127.0.0.1 -U postgres "$d"; done
serve; base=$served
serve --error-rate 0.1 --seed 7; flaky=$served
docs=$(curl -s "$base/api/v2/" > /dev/null; "$pk" seed --db "$(url ${p}import)" --from "$base" --json | grep -o '"listed" : [0-9]*' | head -1 | grep -o '[0-9]*')
pg -d ${p}import -c "SELECT pokepedia_queue_purge('pokepedia_ingest')" > /dev/null

s=$(now); "$pk" import --db "$(url ${p}import)" --source "$snap" > /dev/null 2>&1; t_import=$(echo "$(now) - $s" | bc)
t_full=$(crawl ${p}crawl "$base")
grep -o 'documents:.*' "$worklog" >&2 || true
if [[ -n ${DITTO:-} ]]; then
  ditto_dir=$(mktemp -d)
  s=$(now); /usr/bin/python3 "$DITTO" "$base" "$ditto_dir" > /dev/null 2>&1; t_ditto=$(echo "$(now) - $s" | bc)
  ditto_docs=$(find "$ditto_dir" -name index.json | wc -l)
fi
same=$([[ $(hashes ${p}crawl) == "$(hashes ${p}import)" ]] && echo yes || echo NO)
if [[ $crawl_only != 1 ]]; then
  t_304=$(crawl ${p}crawl "$base"); grep -o 'not_modified=[0-9]*' "$worklog" >&2
  t_flaky=$(crawl ${p}crawl_flaky "$flaky"); retries=$(grep -o 'upstream retries [0-9]*' "$worklog" | grep -o '[0-9]*$')
  dead=$(pg -d ${p}crawl_flaky -c "SELECT dead_letters FROM get_pokepedia_queue_stats() WHERE queue_name = 'pokepedia_ingest'")
  same=$([[ $same == yes && $(hashes ${p}crawl_flaky) == "$(hashes ${p}import)" ]] && echo yes || echo NO)
fi

row() { printf '%-34s %8.1f %10.0f %8.2f\n' "$1" "$2" "$(echo "$3 / $2" | bc -l)" "$(echo "$t_import / $2" | bc -l)"; }
printf '\n%d documents from %s, %d handlers, %s\n' "$docs" "$snap" "$conc" "$(nproc) cores"
printf '%-34s %8s %10s %8s\n' "run" "seconds" "docs/s" "ratio"
row "import (bulk baseline)" "$t_import" "$docs"
row "crawl, full (seed + drain)" "$t_full" "$docs"
if [[ -n ${DITTO:-} ]]; then row "ditto clone ($ditto_docs files)" "$t_ditto" "$ditto_docs"; fi
if [[ $crawl_only != 1 ]]; then
  row "crawl, all 304 (second pass)" "$t_304" "$docs"
  row "crawl, 10% injected 503s" "$t_flaky" "$docs"
  printf '304 pass vs full crawl: %.2fx faster; 503 run: %s upstream retries, %s dead letters\n' \
    "$(echo "$t_full / $t_304" | bc -l)" "$retries" "$dead"
fi
printf 'crawled rows hash like the import: %s\n' "$same"
