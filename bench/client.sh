#!/usr/bin/env bash
# Sync client benchmark (issue 16, client half): a 100-entity backup restored into a fresh store and pushed
# (target <= 0.3 s) and a 10,000-operation offline backlog drained (target >= 5,000 ops/s), both against the
# in-process /sync/v1 test server on loopback; baseline in the same run: raw JDBC inserts into an SQLite file with
# the store's pragmas. Usage: bench/client.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-$(tools/find-jdk)}
MAVEN_OPTS=$(tools/maven-opts "$JAVA_HOME"); export MAVEN_OPTS
./mvnw -B -q -o -pl sync-client -am test-compile
cp=$(mktemp)
./mvnw -B -q -o -pl sync-client dependency:build-classpath -Dmdep.outputFile="$cp" -Dmdep.includeScope=test > /dev/null
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "sync-client/target/classes:sync-client/target/test-classes:$(cat "$cp")" \
  dev.pokepedia.syncclient.ClientBench "${1:-5}" 2>&1 | grep -v ' DEBUG '
rm -f "$cp"
