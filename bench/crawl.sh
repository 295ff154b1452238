#!/usr/bin/env bash
# Crawl benchmark: `seed` + `work --drain` of the whole 2026-07-10 snapshot served by `serve-snapshot` on loopback
# (documents/s), then a second pass where every document answers 304, then a crawl with 10% injected 503s (completes;
# retries counted). Baseline measured in the same run: `import` of the same snapshot (the bulk path). Also checks that
# the crawled rows hash exactly like the imported ones.
# Usage: bench/crawl.sh [concurrency]     (needs ../shared/data/pokeapi and PostgreSQL on 127.0.0.1:5432)
set -euo pipefail
cd "$(dirname "$0")/.."
snap=../shared/data/pokeapi/api-data-2026-07-10.tar.gz
conc=${1:-16}
pg() { psql -h 127.0.0.1 -U postgres -qAt "$@"; }
url() { echo "postgresql://postgres@127.0.0.1:5432/$1"; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; for d in bench_crawl bench_crawl_flaky bench_import; do dropdb -h 127.0.0.1 -U postgres --if-exists "$d" 2>/dev/null || true; done; }
trap cleanup EXIT
serve() { # serve-snapshot on a free port with extra flags, in the background; sets $served to its base URL
  # why not $(serve): a command substitution is a subshell, and the server's pid would never reach the cleanup
  local log; log=$(mktemp); ./pokepedia serve-snapshot "$snap" "$@" > "$log" 2>&1 & pids+=($!)
  until grep -q '^serving' "$log"; do sleep 0.5; done
  served=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -1)
}
now() { date +%s.%N; }
hashes() { pg -d "$1" -c "SELECT md5(string_agg(resource_type||'/'||resource_key||'='||sha256, ',' ORDER BY resource_type, resource_key)) FROM pokeapi_resources WHERE deleted_at IS NULL"; }
crawl() { # db base → seconds for seed + drain; work output in /tmp/bench-crawl-work.log
  local s; s=$(now)
  ./pokepedia seed --db "$(url "$1")" --from "$2" > /dev/null
  ./pokepedia work --db "$(url "$1")" --drain --queue ingest --rate 0 --concurrency "$conc" --upstream-concurrency "$conc" > /tmp/bench-crawl-work.log 2>&1
  echo "$(now) - $s" | bc
}

echo "preparing (not timed): build, databases, servers…" >&2
./pokepedia --version > /dev/null
for d in bench_crawl bench_crawl_flaky bench_import; do dropdb -h 127.0.0.1 -U postgres --if-exists "$d"; createdb -h 127.0.0.1 -U postgres "$d"; done
serve; base=$served
serve --error-rate 0.1 --seed 7; flaky=$served
docs=$(curl -s "$base/api/v2/" > /dev/null; ./pokepedia seed --db "$(url bench_import)" --from "$base" --json | grep -o '"listed" : [0-9]*' | head -1 | grep -o '[0-9]*')
pg -d bench_import -c "SELECT pokepedia_queue_purge('pokepedia_ingest')" > /dev/null

s=$(now); ./pokepedia import --db "$(url bench_import)" --source "$snap" > /dev/null 2>&1; t_import=$(echo "$(now) - $s" | bc)
t_full=$(crawl bench_crawl "$base")
t_304=$(crawl bench_crawl "$base"); grep -o 'not_modified=[0-9]*' /tmp/bench-crawl-work.log >&2
t_flaky=$(crawl bench_crawl_flaky "$flaky"); retries=$(grep -o 'upstream retries [0-9]*' /tmp/bench-crawl-work.log | grep -o '[0-9]*$')
dead=$(pg -d bench_crawl_flaky -c "SELECT dead_letters FROM get_pokepedia_queue_stats() WHERE queue_name = 'pokepedia_ingest'")
same=$([[ $(hashes bench_crawl) == "$(hashes bench_import)" && $(hashes bench_crawl_flaky) == "$(hashes bench_import)" ]] && echo yes || echo NO)

printf '\n%d documents from %s, %d handlers, %s\n' "$docs" "$snap" "$conc" "$(nproc) cores"
printf '%-34s %8s %10s %8s\n' "run" "seconds" "docs/s" "ratio"
printf '%-34s %8.1f %10.0f %8s\n' "import (bulk baseline)" "$t_import" "$(echo "$docs / $t_import" | bc -l)" "1.00"
printf '%-34s %8.1f %10.0f %8.2f\n' "crawl, full (seed + drain)" "$t_full" "$(echo "$docs / $t_full" | bc -l)" "$(echo "$t_import / $t_full" | bc -l)"
printf '%-34s %8.1f %10.0f %8.2f\n' "crawl, all 304 (second pass)" "$t_304" "$(echo "$docs / $t_304" | bc -l)" "$(echo "$t_import / $t_304" | bc -l)"
printf '%-34s %8.1f %10.0f %8.2f\n' "crawl, 10% injected 503s" "$t_flaky" "$(echo "$docs / $t_flaky" | bc -l)" "$(echo "$t_import / $t_flaky" | bc -l)"
printf '304 pass vs full crawl: %.2fx faster; 503 run: %s upstream retries, %s dead letters; crawled rows hash like the import: %s\n' \
  "$(echo "$t_full / $t_304" | bc -l)" "$retries" "$dead" "$same"
