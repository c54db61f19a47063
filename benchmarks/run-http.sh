#!/usr/bin/env bash
# Builds the benchmarks and runs the HTTP load harness (issue #8, "Measure") against an auth-server it
# starts itself from ../auth-server/target/auth-server.jar. The Markdown report goes to standard output
# and to target/http-results-<UTC time>.md; progress goes to standard error.
#
#   benchmarks/run-http.sh --quick        # about 2 minutes
#   benchmarks/run-http.sh                # 3 reps x 5 scenarios x (5 s warm-up + 20 s), then memory: about 8 minutes
#   benchmarks/run-http.sh --help         # every option
#
# Needs the server jar (`mvn -B -q -o package -DskipTests -pl auth-server -am` at the root) and the Latchkey
# jars in the local Maven repository for this project's build (`mvn -B -DskipTests install` at the root).
# JAVA_HOME picks the JDK of both the harness and the server; HTTP_BENCH_JVM_OPTS the harness's JVM flags
# (the server's: --server-jvm-opts).
set -euo pipefail
cd "$(dirname "$0")"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn -B -q -o -f pom.xml package
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
# shellcheck disable=SC2086 # HTTP_BENCH_JVM_OPTS is a list of flags
exec "$java" ${HTTP_BENCH_JVM_OPTS:--Xmx1g} -cp target/benchmarks.jar dev.latchkey.benchmarks.http.HttpLoadHarness \
    --out "target/http-results-$stamp.md" "$@"
