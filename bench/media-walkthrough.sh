#!/usr/bin/env bash
# Replays the README's media library walkthrough ("From a fresh clone to a catalog that matches the provider") with
# real processes: testkit's S3 server (S3Proxy, in memory) holding four real sprites, `./pokepedia media-library sync`
# and `./pokepedia serve` on a scratch database, then the curl commands of steps 3-6. With --cloudinary it walks the
# Cloudinary path too, against the fake Cloudinary of media-library's tests (FakeCloudinaryServer), where step 4 is
# the hand-signed webhook. Stops with exit 1 at the first output that is not what the README's comment says.
# Needs PostgreSQL on 127.0.0.1:5432 (PGHOST/PGPORT/PGUSER honoured), curl >= 7.75, jq, sha1sum, openssl, and the
# sprite package (SPRITES_TGZ, else ../shared/data/pokeapi/fetch-sprites). Uses and drops the database $WALK_DB.
# Usage: bench/media-walkthrough.sh [--cloudinary]     (WALK_DB=pokepedia_walkthrough, WALK_PORT=18580)
set -euo pipefail
cd "$(dirname "$0")/.."
db=${WALK_DB:-pokepedia_walkthrough}
port=${WALK_PORT:-18580}
pg=(-h "${PGHOST:-127.0.0.1}" -p "${PGPORT:-5432}" -U "${PGUSER:-postgres}")
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2> /dev/null || true; done
  dropdb "${pg[@]}" --if-exists "$db" 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }
ok() { printf 'ok    %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*" >&2; exit 1; }
# expect WHAT GOT WANT: the README's comment is WANT
expect() { [[ $2 == "$3" ]] && ok "$1: $2" || fail "$1: got $2, the README says $3"; }

export JAVA_HOME=${JAVA_HOME:-$(tools/find-jdk)}
./pokepedia --version > /dev/null # builds the CLI (and testkit with S3Proxy's classpath) when sources changed
s3cp=testkit/target/classes/dev/pokepedia/testkit/s3proxy.classpath
[[ -f $s3cp ]] || ./mvnw -q -B -pl testkit -am -Dmaven.test.skip=true package > "$work/mvn.log" 2>&1 \
  || { cat "$work/mvn.log"; fail "could not build testkit"; }
tgz=${SPRITES_TGZ:-$(../shared/data/pokeapi/fetch-sprites)}
tar xzf "$tgz" -C "$work" package/sprites/pokemon/versions/generation-v/black-white/animated/{1,4,7,25,133}.gif
spr=$work/package/sprites/pokemon/versions/generation-v/black-white/animated
# step 5's sprite.png: any PNG; this one is 1x1
base64 -d > "$work/sprite.png" <<< 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='

# wait_for FILE PATTERN: until a line of FILE matches (60 s)
wait_for() { for _ in $(seq 120); do grep -qs "$2" "$1" && return 0; sleep 0.5; done; cat "$1" >&2; fail "no '$2' in $1"; }

# walk PROVIDER EEVEE UPLOAD_ID: README steps 2-6 against the provider the environment configures
walk() {
  local provider=$1 eevee=$2 id=$3 out got
  dropdb "${pg[@]}" --if-exists "$db" 2> /dev/null; createdb "${pg[@]}" "$db"
  export DATABASE_URL=postgresql://${PGUSER:-postgres}@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/$db

  step "$provider 2. the first reconcile: what it would do, then fill the catalog"
  out=$(./pokepedia media-library sync --dry-run); echo "$out"
  [[ $out == *"dry run, complete"* && $out == *"add    image $eevee"* ]] || fail "dry run does not list $eevee"
  out=$(./pokepedia media-library sync); echo "$out"
  [[ $out == *"complete"* && $out == *"added 4,"* ]] || fail "sync did not add the 4 assets"

  step "$provider 3. serve the API"
  export POKEPEDIA_MEDIA_API_TOKEN; POKEPEDIA_MEDIA_API_TOKEN=$(openssl rand -hex 24)
  # why --storage: the README's serve uses the default storage folder; the walkthrough leaves the user's home alone
  ./pokepedia serve --port "$port" --storage "file://$work/storage" > "$work/serve-$provider.log" 2>&1 &
  local serve=$!; pids+=("$serve")
  until curl -sf "localhost:$port/readyz" > /dev/null; do kill -0 "$serve" 2> /dev/null || { cat "$work/serve-$provider.log"; fail "serve died"; }; sleep 0.5; done
  local api=http://localhost:$port/api/media auth="Authorization: Bearer $POKEPEDIA_MEDIA_API_TOKEN"
  got=$(curl -s -H "$auth" "$api?limit=5&sort=name" | jq -c '[.items[].public_id, .stats.total_assets]')
  expect "list" "$got" "$(jq -cn --arg e "$eevee" '[($e | sub("eevee"; "bulbasaur")), ($e | sub("eevee"; "charmander")), $e, ($e | sub("eevee"; "squirtle")), 4]')"

  step "$provider 4. a change on the provider reaches the catalog"
  if [[ $provider == cloudinary ]]; then
    # the Console's tag edit, through the Admin API's update call
    curl -sf -u "$cld_key:$cld_secret" -d tags=normal,starter "$cld_base/v1_1/demo-cloud/resources/image/upload/$eevee" > /dev/null
    body='{"notification_type":"resource_tags_changed","request_id":"readme-1","resources":[{"public_id":"team/eevee","resource_type":"image"}]}'
    ts=$(date +%s); secret=${CLOUDINARY_URL#cloudinary://*:}; secret=${secret%@*}
    sig=$(printf '%s%s%s' "$body" "$ts" "$secret" | sha1sum | cut -d' ' -f1)
    got=$(curl -s -H "X-Cld-Timestamp: $ts" -H "X-Cld-Signature: $sig" -H 'Content-Type: application/json' \
      --data-binary "$body" "$api/webhooks/cloudinary")
    [[ $got == '{"received":true,'*'"queued":true}' ]] && ok "webhook: $got" || fail "webhook: $got"
    sleep 1
  else
    # a change made on the bucket (the README shows the AWS CLI; curl signs the same copy-in-place)
    curl -sf --aws-sigv4 aws:amz:us-east-1:s3 --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" -H x-amz-content-sha256:UNSIGNED-PAYLOAD \
      -X PUT -H "x-amz-copy-source: /team-media/$eevee" -H 'x-amz-metadata-directive: REPLACE' \
      -H 'x-amz-meta-tags: normal,starter' -H 'Content-Type: image/gif' "$AWS_ENDPOINT_URL/team-media/$eevee" > /dev/null
    got=$(curl -s -H "$auth" -X POST "$api/sync" -d "{\"single_asset\":\"$eevee\"}" | jq -c .result)
    expect "single_asset" "$got" '"updated"'
  fi
  got=$(curl -s -H "$auth" "$api?q=eevee" | jq -c '.items[].tags')
  expect "tags of $eevee" "$got" '["normal","starter"]'

  step "$provider 5. an upload and a delete through the API: the provider first, then the catalog"
  got=$(curl -s -H "$auth" -F "file=@$work/sprite.png" -F "public_id=$id" -F tags=electric,starter "$api" | jq .id)
  [[ $got =~ ^[0-9]+$ ]] && ok "upload: catalog id $got" || fail "upload: $got"
  [[ $(provider_has "$id") == 200 ]] && ok "the provider holds $id" || fail "the provider lacks $id"
  got=$(curl -s -H "$auth" -X DELETE "$api?public_ids=$id")
  expect "delete" "$got" "{\"$id\":\"deleted\"}"
  [[ $(provider_has "$id") == 404 ]] && ok "the provider no longer holds $id" || fail "the provider still holds $id"

  step "$provider 6. nothing left to do: the catalog matches the provider"
  got=$(curl -s -H "$auth" -X POST "$api/sync" -d '{"dry_run":true}' | jq -c '{added, updated, deleted, diff}')
  expect "dry run" "$got" '{"added":0,"updated":0,"deleted":0,"diff":[]}'

  kill "$serve"; wait "$serve" 2> /dev/null || true
}

step "s3 1. connect a provider: an S3 bucket (testkit's S3Proxy, in memory) with four sprites"
printf '<configuration><root level="WARN"/></configuration>' > "$work/logback.xml"
"$JAVA_HOME/bin/java" -Xmx256m -Dlogback.configurationFile="$work/logback.xml" -cp "testkit/target/classes:$(cat "$s3cp")" \
  dev.pokepedia.testkit.S3ProxyLauncher walkkey walksecret "" > "$work/s3proxy.log" 2>&1 \
  < <(while kill -0 $$ 2> /dev/null; do sleep 1; done) & # why the loop: S3Proxy exits when its stdin closes
pids+=($!)
wait_for "$work/s3proxy.log" 'S3PROXY-READY'
s3port=$(sed -n 's/.*S3PROXY-READY port=\([0-9]*\).*/\1/p' "$work/s3proxy.log")
export MEDIA_LIBRARY_S3_BUCKET=team-media AWS_ACCESS_KEY_ID=walkkey AWS_SECRET_ACCESS_KEY=walksecret AWS_ENDPOINT_URL=http://127.0.0.1:$s3port
s3() { curl -sf --aws-sigv4 aws:amz:us-east-1:s3 --user walkkey:walksecret -H x-amz-content-sha256:UNSIGNED-PAYLOAD "$@"; }
s3 -X PUT "$AWS_ENDPOINT_URL/team-media" > /dev/null
for p in 1:bulbasaur 4:charmander 7:squirtle 133:eevee; do
  s3 -T "$spr/${p%%:*}.gif" -H 'Content-Type: image/gif' "$AWS_ENDPOINT_URL/team-media/team/${p#*:}.gif" > /dev/null
done
ok "bucket team-media at $AWS_ENDPOINT_URL: team/{bulbasaur,charmander,squirtle,eevee}.gif"
provider_has() { curl -s -o /dev/null -w '%{http_code}' --aws-sigv4 aws:amz:us-east-1:s3 --user walkkey:walksecret \
  -H x-amz-content-sha256:UNSIGNED-PAYLOAD -I "$AWS_ENDPOINT_URL/team-media/$1"; }
walk s3 team/eevee.gif team/pikachu.png
unset MEDIA_LIBRARY_S3_BUCKET

if [[ ${1:-} == --cloudinary ]]; then
  step "cloudinary 1. connect a provider: the fake Cloudinary of media-library's tests, with the same four sprites"
  ./mvnw -q -B -pl media-library test-compile dependency:build-classpath -Dmdep.outputFile="$work/cld.cp" \
    -Dmdep.includeScope=test > "$work/mvn.log" 2>&1 || { cat "$work/mvn.log"; fail "could not build the fake Cloudinary"; }
  cld_port=$((port + 1)) cld_key=874837483274837 cld_secret=fAkE-s3cr3t-NEVER-LOGGED-x9 cld_base=http://127.0.0.1:$((port + 1))
  "$JAVA_HOME/bin/java" -Xmx256m -Dlogback.configurationFile="$work/logback.xml" \
    -cp "media-library/target/test-classes:media-library/target/classes:$(cat "$work/cld.cp")" \
    dev.pokepedia.medialibrary.fake.FakeCloudinaryServer "$cld_port" team/bulbasaur="$spr/1.gif" team/charmander="$spr/4.gif" \
    team/squirtle="$spr/7.gif" team/eevee="$spr/133.gif" > "$work/cloudinary.log" 2>&1 &
  pids+=($!)
  wait_for "$work/cloudinary.log" 'FAKE-CLOUDINARY-READY'
  export CLOUDINARY_URL="cloudinary://$cld_key:$cld_secret@demo-cloud?upload_prefix=$cld_base"
  provider_has() { curl -s -o /dev/null -w '%{http_code}' -u "$cld_key:$cld_secret" "$cld_base/v1_1/demo-cloud/resources/image/upload/$1"; }
  walk cloudinary team/eevee team/pikachu
fi
printf '\nthe walkthrough does what the README says\n'
