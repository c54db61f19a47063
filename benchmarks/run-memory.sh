#!/usr/bin/env bash
# Memory per cached user on the client and per 10,000 live sessions on the engine (issue #10, "Scale"):
# builds the benchmarks and runs dev.latchkey.benchmarks.ClientMemory. The Markdown report goes to standard
# output and to target/memory-<UTC time>.md; progress goes to standard error.
#
#   benchmarks/run-memory.sh --quick   # client 3 x 1,000 users, engine 2 x 5,000 sessions: about 3 minutes
#   benchmarks/run-memory.sh           # client 5 x 2,000 users, engine 3 x 10,000 sessions: about 10 minutes
#   benchmarks/run-memory.sh --help    # every option
#
# Needs the Latchkey jars in the local Maven repository (`mvn -B -DskipTests install` at the root); the
# part over HTTP also needs auth-server/target/auth-server.jar (built by that install; or pass --server-jar),
# and is skipped without it. JAVA_HOME picks the JDK; BENCH_JVM_OPTS the JVM flags (a fixed heap, so that
# the heap's resizing does not move the figures).
set -euo pipefail
cd "$(dirname "$0")"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn -B -q -o -f pom.xml package
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
# shellcheck disable=SC2086 # BENCH_JVM_OPTS is a list of flags
exec "$java" ${BENCH_JVM_OPTS:--Xms1g -Xmx1g -XX:+UseG1GC} -cp target/benchmarks.jar dev.latchkey.benchmarks.ClientMemory \
    --out "target/memory-$stamp.md" "$@"
