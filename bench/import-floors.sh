#!/usr/bin/env bash
# The floors of a *whole* `pokepedia import` command (issue 18: whole command <= 1.3x the bare-COPY floor, unchanged
# re-import <= 1.5x the decompress-and-hash floor), each measured by a fresh process as the command is one, in one run:
#   - JVM start-up of our jar (`pokepedia --version`), the fixed cost of any Java command;
#   - decompress + SHA-256 of every entry in a cold process (Python: tarfile + hashlib, both C underneath);
#   - a bare COPY of the same documents, minified, from a prepared file by psql into a PK-only lz4 table (no JVM);
#   - the whole `pokepedia import` into a fresh database, then unchanged twice (the first re-import records the
#     source entries' hashes that later ones skip unchanged entries by).
# Needs PostgreSQL on 127.0.0.1:5432 (or PGHOST/PGPORT/PGUSER) and python3; uses and drops pokepedia_bench_floors*.
# Usage: bench/import-floors.sh [archive] [runs (3)]
set -euo pipefail
cd "$(dirname "$0")/.."
archive=${1:-../shared/data/pokeapi/api-data-2026-07-10.tar.gz}
runs=${2:-3}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
work=$(mktemp -d)
trap 'rm -rf "$work"; dropdb --if-exists pokepedia_bench_floors 2>/dev/null; dropdb --if-exists pokepedia_bench_floors_cmd 2>/dev/null' EXIT
./pokepedia --version > /dev/null # builds when needed (untimed)

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
secs() { local t0 t1; t0=$(date +%s.%N); "$@" > /dev/null 2>&1; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }

python3 - "$archive" "$work/docs.tsv" <<'EOF'
import json, sys, tarfile
# untimed preparation: every document minified, one COPY text line each (type, key, json)
with tarfile.open(sys.argv[1], "r:gz") as t, open(sys.argv[2], "w") as out:
    for m in t:
        n = m.name
        if not m.isfile() or "/data/api/v2/" not in n or not n.endswith("index.json"):
            continue
        parts = n.split("/data/api/v2/")[1].split("/")
        if len(parts) != 3:
            continue
        doc = json.dumps(json.load(t.extractfile(m)), separators=(",", ":"), ensure_ascii=False)
        doc = doc.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
        out.write(f"{parts[0]}\t{parts[1]}\t{doc}\n")
EOF
cat > "$work/hash.py" <<'EOF'
import hashlib, sys, tarfile
with tarfile.open(sys.argv[1], "r:gz") as t:
    for m in t:
        if m.isfile():
            hashlib.sha256(t.extractfile(m).read()).hexdigest()
EOF
copy_once() {
  dropdb --if-exists pokepedia_bench_floors; createdb pokepedia_bench_floors
  psql -q -d pokepedia_bench_floors -c "CREATE TABLE f (resource_type text, resource_key text, data jsonb, PRIMARY KEY (resource_type, resource_key))" \
    -c "ALTER TABLE f ALTER COLUMN data SET COMPRESSION lz4"
  secs psql -q -d pokepedia_bench_floors -c "\\copy f FROM '$work/docs.tsv'"
}
import_once() {
  dropdb --if-exists pokepedia_bench_floors_cmd; createdb pokepedia_bench_floors_cmd
  local url=postgresql://$PGUSER@$PGHOST:$PGPORT/pokepedia_bench_floors_cmd
  # fresh, the first re-import (it records the source entries' hashes), a later re-import
  echo "$(secs ./pokepedia import --db "$url" --source "$archive") $(secs ./pokepedia import --db "$url" --source "$archive")" \
    "$(secs ./pokepedia import --db "$url" --source "$archive")"
}
import_once > /dev/null # untimed: the launcher trains its start-up cache on a first run, then assembles it in the
for _ in $(seq 600); do # background; wait until it is in place (at most a minute)
  compgen -G "app/target/pokepedia-import-*.aot" > /dev/null || compgen -G "app/target/pokepedia-import.jsa" > /dev/null && break
  sleep 0.1
done

jvm=(); hash=(); copy=(); fresh=(); first=(); again=()
for r in $(seq "$runs"); do
  jvm+=("$(secs ./pokepedia --version)")
  hash+=("$(secs python3 "$work/hash.py" "$archive")")
  copy+=("$(copy_once)")
  read -r f o a < <(import_once); fresh+=("$f"); first+=("$o"); again+=("$a")
done
J=$(printf '%s\n' "${jvm[@]}" | median); H=$(printf '%s\n' "${hash[@]}" | median); C=$(printf '%s\n' "${copy[@]}" | median)
F=$(printf '%s\n' "${fresh[@]}" | median); O=$(printf '%s\n' "${first[@]}" | median); A=$(printf '%s\n' "${again[@]}" | median)
printf '%-70s %7.2f s\n' "JVM start-up of our jar (pokepedia --version)" "$J" \
  "decompress + SHA-256 every entry, cold process (python3)" "$H" \
  "bare COPY of the minified documents by psql (PK-only lz4 table)" "$C" \
  "pokepedia import, whole command, fresh database" "$F" \
  "pokepedia import, whole command, first re-import (records the source hashes)" "$O" \
  "pokepedia import, whole command, nothing changed" "$A"
echo
printf 'whole import / COPY floor              = %.2fx (target <= 1.30x)\n' "$(echo "$F / $C" | bc -l)"
printf 'whole re-import / decompress+hash floor = %.2fx (target <= 1.50x)\n' "$(echo "$A / $H" | bc -l)"
printf 'JVM start-up alone / decompress+hash    = %.2fx\n' "$(echo "$J / $H" | bc -l)"
