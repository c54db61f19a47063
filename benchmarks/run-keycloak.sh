#!/usr/bin/env bash
# Builds the benchmarks and runs the Keycloak side by side (issue #10): Keycloak's distribution from Maven
# Central (cached in target/keycloak/, checked against Central's checksum) and auth-server, both started
# here on 127.0.0.1, driven in interleaved windows by the same load generator; beside them the RS256
# signing bound. The Markdown report goes to standard output and to target/keycloak-<UTC time>.md;
# progress to standard error. Both servers and their data are gone when it ends, however it ends.
#
#   benchmarks/run-keycloak.sh --quick   # about 2.5 minutes (5 the first time: a ~165 MB download, Keycloak's build step)
#   benchmarks/run-keycloak.sh           # 3 reps x 6 windows x (5 s warm-up + 20 s): about 11 minutes
#   benchmarks/run-keycloak.sh --help    # every option
#
# Needs the server jar (`mvn -B -q -o package -DskipTests -pl auth-server -am` at the root) and the Latchkey
# jars in the local Maven repository for this project's build. JAVA_HOME picks the JDK of the harness and of
# both servers; KC_BENCH_JVM_OPTS the harness's JVM flags.
set -euo pipefail
cd "$(dirname "$0")"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn -B -q -o -f pom.xml package
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
# shellcheck disable=SC2086 # KC_BENCH_JVM_OPTS is a list of flags
exec "$java" ${KC_BENCH_JVM_OPTS:--Xmx512m} -cp target/benchmarks.jar dev.latchkey.benchmarks.http.KeycloakSideBySide \
    --out "target/keycloak-$stamp.md" "$@"
