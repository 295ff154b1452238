#!/usr/bin/env bash
# Media mirror benchmark: `pokepedia media` vs `rclone copy --checksum`, the same referenced files (4,231 npm sprites
# and 1,951 cries, unpacked to folders first so both tools read the same files) into (a) a local folder and (b) a real
# S3 server (S3Proxy, started here), then a rerun with nothing changed, and for pokepedia one more with --rehash (reads
# every file again, as rclone --checksum does, instead of trusting unchanged stamps). Prints files/s, MB/s and ratios,
# and the JVM's own floor for the folder copy (bench/CopyFloor.java: the same per-file calls without pokepedia).
# Usage: bench/media.sh [ROUNDS]   (needs ../shared/data/pokeapi, PostgreSQL on 127.0.0.1:5432, and rclone)
#   ROUNDS (default 3): each round starts from a fresh manifest, fresh target folders and a fresh S3 server; odd rounds
#   run pokepedia first, even rounds rclone first; the medians are printed.
#   TARGET_DIR (default /dev/shm when writable): where both tools' target folders go. why: on ext4, creating files
#   shortly after many were deleted is slow (the inode allocator skips recently deleted inodes; perf showed
#   ext4_create → recently_deleted as the top kernel symbol), so whichever tool runs right after a cleanup paid seconds.
#   A tmpfs takes the file system's history out of the comparison; set TARGET_DIR=/tmp to measure on ext4 anyway.
#   COLD=1: every timed run starts with empty page caches instead of with the sources cached (see settle_cache).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v rclone >/dev/null || { echo "bench: needs rclone (apt-get install rclone)" >&2; exit 2; }
shared=../shared/data/pokeapi
rounds=${1:-3}
work=$(mktemp -d /tmp/pokepedia-bench-media.XXXXXX)
target_base=${TARGET_DIR:-/dev/shm}
[[ -d $target_base && -w $target_base ]] || target_base=$work
targets=$(mktemp -d "$target_base/pokepedia-bench-targets.XXXXXX")
db_name=pokepedia_bench_media
db="postgresql://postgres@127.0.0.1:5432/$db_name"
s3pid=""
cleanup() { [[ -n $s3pid ]] && kill "$s3pid" 2>/dev/null || true; pkill -P $$ -f "sleep 100000" || true; rm -rf "$work" "$targets"; dropdb -h 127.0.0.1 -U postgres --if-exists "$db_name" 2>/dev/null || true; }
trap cleanup EXIT

echo "preparing (not timed): unpacking sources, importing the corpus, building the manifest…" >&2
mkdir -p "$work/src-sprites" "$work/src-cries"
tar xzf "$("$shared/fetch-sprites")" -C "$work/src-sprites"
tar xzf "$shared/cries-2024-01-24.tar.gz" -C "$work/src-cries"
spr=$work/src-sprites/package
cri=$(echo "$work"/src-cries/cries-*)
dropdb -h 127.0.0.1 -U postgres --if-exists "$db_name"; createdb -h 127.0.0.1 -U postgres "$db_name"
./pokepedia import --db "$db" --source "$shared/api-data-2026-07-10.tar.gz" > /dev/null 2>&1
psql -q "$db" -c "SELECT pokepedia_refresh_asset_manifest()" > /dev/null
# rclone gets exactly the referenced files that exist in the sources (what pokepedia stores)
psql -qAt "$db" -c "SELECT path FROM pokepedia_assets WHERE bucket = 'pokedex-sprites'" | while read -r p; do [[ -f $spr/$p ]] && echo "$p"; done > "$work/sprites.list" || true
psql -qAt "$db" -c "SELECT path FROM pokepedia_assets WHERE bucket = 'pokedex-cries'" | while read -r p; do [[ -f $cri/$p ]] && echo "$p"; done > "$work/cries.list" || true
files=$(( $(wc -l < "$work/sprites.list") + $(wc -l < "$work/cries.list") ))
bytes=$( { (cd "$spr" && xargs -d '\n' stat -c %s < "$work/sprites.list"); (cd "$cri" && xargs -d '\n' stat -c %s < "$work/cries.list"); } | awk '{s+=$1} END {print s}')

# a first run starts from a freshly built manifest, as it does for a user (not from rows updated in place)
reset_assets() { psql -q "$db" -c "TRUNCATE pokepedia_assets, pokepedia_asset_refs, pokepedia_asset_scans" -c "SELECT pokepedia_refresh_asset_manifest()" -c "CHECKPOINT" > /dev/null; }
now() { date +%s.%N; }
ours() { local storage=$1; shift; ./pokepedia media --db "$db" --storage "$storage" --sprites-source "$spr" --cries-source "$cri" --concurrency 16 "$@" > "$work/ours.log" 2>&1; }
theirs() { # both kinds side by side, as pokepedia does
  rclone copy --checksum --transfers 16 --files-from "$work/sprites.list" "$spr" "$1/pokedex-sprites" > "$work/rclone-s.log" 2>&1 &
  local a=$!
  rclone copy --checksum --transfers 16 --files-from "$work/cries.list" "$cri" "$1/pokedex-cries" > "$work/rclone-c.log" 2>&1 &
  local b=$!
  wait $a && wait $b
}
declare -A t # key -> space-separated seconds of every round
# why: every timed run starts with the sources in the page cache. rclone's local backend tells the kernel it will not
# need a file again once read (posix_fadvise DONTNEED, seen with strace), so without this whoever ran after rclone read
# the 185 MB from disk: rclone's own rerun always did (~0.9 s instead of ~0.55 s), and so did pokepedia in rounds where
# it came second. COLD=1 instead drops all caches before every timed run (both tools then read sources, binaries,
# the JDK and its start-up cache from disk).
settle_cache() {
  sync
  if [[ ${COLD:-0} == 1 ]]; then echo 3 > /proc/sys/vm/drop_caches; else find "$spr" "$cri" -type f -exec cat {} + > /dev/null; fi
}
measure() { settle_cache; local key=$1; shift; local s; s=$(now); "$@"; t[$key]="${t[$key]:-} $(echo "$(now) - $s" | bc)"; }
median() { tr ' ' '\n' <<< "$1" | grep -v '^$' | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

# warm the page cache, the launcher's build and its start-up cache for `media`, trained by a real copy (a dry run or
# --version would leave the storage code out of it); the manifest is rebuilt before every timed first run anyway
cat "$work/sprites.list" > /dev/null; find "$spr" "$cri" -type f -exec cat {} + > /dev/null
./pokepedia media --db "$db" --storage "file://$targets/warm-up" --sprites-source "$spr" --cries-source "$cri" > /dev/null 2>&1
while pgrep -f "AOTMode=create" > /dev/null; do sleep 0.2; done
rm -rf "$targets/warm-up"

# a real S3 server: S3Proxy from Maven Central in a child JVM (what the integration tests use), in memory, fresh per round
./mvnw -q -B -pl testkit -am -Dmaven.test.skip=true package > /dev/null 2>&1 || true
java_home=$(tools/find-jdk)
start_s3() {
  rm -f "$work/s3proxy.log" # why: the wait below must not find the previous round's READY line before this log is truncated
  "$java_home/bin/java" -Xmx512m -cp "testkit/target/classes:$(cat testkit/target/classes/dev/pokepedia/testkit/s3proxy.classpath)" \
    dev.pokepedia.testkit.S3ProxyLauncher benchkey benchsecret "" < <(sleep 100000) > "$work/s3proxy.log" 2>&1 &
  s3pid=$!
  for _ in $(seq 120); do grep -qs READY "$work/s3proxy.log" && break; sleep 0.5; done
  port=$(sed -n 's/.*S3PROXY-READY port=\([0-9]*\).*/\1/p' "$work/s3proxy.log")
  [[ -n $port ]] || { echo "bench: S3Proxy did not start:"; cat "$work/s3proxy.log"; exit 1; }
  export RCLONE_CONFIG_S3_ENDPOINT="http://127.0.0.1:$port"
  s3url="s3://?endpoint=http://127.0.0.1:$port&region=us-east-1"
  rclone mkdir s3:rc-pokedex-sprites; rclone mkdir s3:rc-pokedex-cries
}
stop_s3() { kill "$s3pid" 2>/dev/null || true; wait "$s3pid" 2>/dev/null || true; s3pid=""; pkill -P $$ -f "sleep 100000" || true; }
export AWS_ACCESS_KEY_ID=benchkey AWS_SECRET_ACCESS_KEY=benchsecret
unset AWS_CA_BUNDLE # why: rclone 1.60 cannot combine a custom CA bundle with its own HTTP transport
export RCLONE_CONFIG_S3_TYPE=s3 RCLONE_CONFIG_S3_PROVIDER=Other RCLONE_CONFIG_S3_ACCESS_KEY_ID=benchkey \
  RCLONE_CONFIG_S3_SECRET_ACCESS_KEY=benchsecret RCLONE_CONFIG_S3_FORCE_PATH_STYLE=true RCLONE_CONFIG_S3_REGION=us-east-1
theirs_s3() {
  rclone copy --checksum --transfers 16 --files-from "$work/sprites.list" "$spr" s3:rc-pokedex-sprites > "$work/rclone-s.log" 2>&1 &
  local a=$!
  rclone copy --checksum --transfers 16 --files-from "$work/cries.list" "$cri" s3:rc-pokedex-cries > "$work/rclone-c.log" 2>&1 &
  local b=$!
  wait $a && wait $b
}
# why the third run: a plain rerun takes folder files whose stamp (size, times, inode) is unchanged without reading them;
# --rehash reads and hashes every file again, the same work as rclone --checksum, and is reported beside it
ours_pair() { reset_assets; measure "ours_$1" ours "$2"; measure "ours_$1_again" ours "$2"; measure "ours_$1_rehash" ours "$2" --rehash; check_stored; }
theirs_pair() { measure "rclone_$1" "$3" "$2"; measure "rclone_$1_again" "$3" "$2"; }
check_stored() {
  local stored; stored=$(psql -qAt "$db" -c "SELECT count(*) FROM pokepedia_assets WHERE status = 'stored'")
  [[ $stored == "$files" ]] || { echo "bench: pokepedia stored $stored files, expected $files" >&2; cat "$work/ours.log" >&2; exit 1; }
}
for round in $(seq "$rounds"); do
  echo "round $round of $rounds…" >&2
  dir=$targets/round-$round; mkdir -p "$dir"
  if (( round % 2 )); then
    ours_pair folder "file://$dir/ours"; theirs_pair folder "$dir/rclone" theirs
  else
    theirs_pair folder "$dir/rclone" theirs; ours_pair folder "file://$dir/ours"
  fi
  start_s3
  if (( round % 2 )); then ours_pair s3 "$s3url"; theirs_pair s3 "" theirs_s3; else theirs_pair s3 "" theirs_s3; ours_pair s3 "$s3url"; fi
  stop_s3
done

# the JVM's own floor for the copy: the same files and calls per file without pokepedia around them (no database, no
# manifest), first in a cold JVM, then warm, in one process (bench/CopyFloor.java)
echo "measuring the JVM's copy floor…" >&2
"$java_home/bin/javac" -d "$work/floor-classes" bench/CopyFloor.java
settle_cache
floor=$("$java_home/bin/java" -XX:+UseParallelGC -Xmx4g -XX:CompileThresholdScaling=10 -cp "$work/floor-classes" CopyFloor \
  "$targets/floor" 11 "$spr" "$work/sprites.list" pokedex-sprites "$cri" "$work/cries.list" pokedex-cries)

mb=$(echo "scale=1; $bytes / 1000000" | bc)
echo "files: $files referenced files present in the sources ($mb MB); $rounds rounds, medians; targets under $target_base"
printf '%-22s %9s %9s %9s   %s\n' "run" "seconds" "files/s" "MB/s" "every round"
declare -A m
for k in ours_folder rclone_folder ours_folder_again ours_folder_rehash rclone_folder_again ours_s3 rclone_s3 ours_s3_again ours_s3_rehash rclone_s3_again; do
  m[$k]=$(median "${t[$k]}")
  printf '%-22s %9.2f %9.0f %9.1f   %s\n' "$k" "${m[$k]}" "$(echo "$files / ${m[$k]}" | bc -l)" "$(echo "$bytes / 1000000 / ${m[$k]}" | bc -l)" "${t[$k]}"
done
echo
printf 'folder copy:      pokepedia is %.2fx rclone'"'"'s throughput (target >= 1)\n' "$(echo "${m[rclone_folder]} / ${m[ours_folder]}" | bc -l)"
printf 'folder no-change: pokepedia is %.2fx rclone'"'"'s speed (target >= 1)\n' "$(echo "${m[rclone_folder_again]} / ${m[ours_folder_again]}" | bc -l)"
printf 'folder no-change, --rehash: pokepedia is %.2fx rclone'"'"'s speed (reads and hashes every file, as rclone --checksum does)\n' "$(echo "${m[rclone_folder_again]} / ${m[ours_folder_rehash]}" | bc -l)"
printf 'S3 copy:          pokepedia is %.2fx rclone'"'"'s throughput (target >= 1)\n' "$(echo "${m[rclone_s3]} / ${m[ours_s3]}" | bc -l)"
printf 'S3 no-change:     pokepedia is %.2fx rclone'"'"'s speed (target >= 1)\n' "$(echo "${m[rclone_s3_again]} / ${m[ours_s3_again]}" | bc -l)"
printf 'S3 no-change, --rehash: pokepedia is %.2fx rclone'"'"'s speed\n' "$(echo "${m[rclone_s3_again]} / ${m[ours_s3_rehash]}" | bc -l)"
echo
cold=$(sed -n 's/.* cold=\([0-9.]*\).*/\1/p' <<< "$floor"); warm=$(sed -n 's/.* warm=\([0-9.]*\).*/\1/p' <<< "$floor")
echo "$floor"
printf 'folder copy floor: a JVM alone copies these files in %.2f s cold, %.2f s warm; with pokepedia'"'"'s no-change run (start-up,\n' "$cold" "$warm"
printf '  database, listing: everything but the copy) that is %.2f s cold and %.2f s even when warm, vs rclone'"'"'s %.2f s\n' \
  "$(echo "${m[ours_folder_again]} + $cold" | bc -l)" "$(echo "${m[ours_folder_again]} + $warm" | bc -l)" "${m[rclone_folder]}"
