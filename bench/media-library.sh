#!/usr/bin/env bash
# Media library benchmark (issue 17): reconcile of 100,000 assets against the fake Cloudinary (nothing changed:
# target <= 10 s; 1 % changed: only the changes written; baseline: paging the same listing without the database),
# GET /api/media list + search p99 with 50 concurrent clients (target <= 50 ms; baseline GET /healthz), and webhook
# acknowledgement p99 at 200 requests/s open loop (target <= 20 ms; baseline GET /healthz paced the same way), all
# applied by the server's queue worker afterwards. Needs PostgreSQL on 127.0.0.1:5432 (or PGHOST/PGPORT/PGUSER); uses
# and drops the scratch database pokepedia_bench_media.
# Usage: bench/media-library.sh [assets (100000)] [webhook seconds (20)]
# MEDIA_BENCH_KEEP=1 keeps the filled catalog for the next run; MEDIA_BENCH_JAVA_OPTS adds JVM flags (e.g. a collector).
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-$(tools/find-jdk)}
MAVEN_OPTS=$(tools/maven-opts "$JAVA_HOME"); export MAVEN_OPTS
cp=$(mktemp)
trap 'rm -f "$cp"' EXIT
# why one invocation with -am: the reactor hands app the modules' fresh classes (and media-library's test classes,
# which hold the fake Cloudinary) instead of whatever an earlier install left in ~/.m2; app is built last, so the
# file ends up holding its test classpath
./mvnw -B -q -o -pl app -am test-compile dependency:build-classpath -Dmdep.outputFile="$cp" -Dmdep.includeScope=test > /dev/null
"$JAVA_HOME/bin/java" -Xmx2g ${MEDIA_BENCH_JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED -Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener -cp "app/target/classes:app/target/test-classes:$(cat "$cp")" \
  dev.pokepedia.app.bench.MediaLibraryBench "${1:-100000}" "${2:-20}" 2>&1 | grep -v ' DEBUG '
