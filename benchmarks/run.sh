#!/usr/bin/env bash
# Builds the benchmarks and runs the load harness of issue #3. The Markdown report goes to standard
# output and to target/benchmark-results-<UTC time>.md; progress goes to standard error.
#
#   benchmarks/run.sh                                             # the full run (about 25 minutes here)
#   benchmarks/run.sh --users 1k,10k --reps 2 --warmup 1 --measure 2   # a quick check (about 3 minutes)
#   benchmarks/run.sh --help                                      # every option
#
# Needs the Latchkey jars in the local Maven repository (`mvn -B -DskipTests install` at the root)
# and, for the PostgreSQL store, Debian's postgresql package (or LATCHKEY_TEST_POSTGRES_URL; see
# docs/decisions.md, "PostgreSQL in tests"). JAVA_HOME picks the JDK; BENCH_JVM_OPTS the JVM flags.
set -euo pipefail
cd "$(dirname "$0")"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn -B -q -f pom.xml package
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
# shellcheck disable=SC2086 # BENCH_JVM_OPTS is a list of flags
exec "$java" ${BENCH_JVM_OPTS:--Xms6g -Xmx6g} -jar target/benchmarks.jar --out "target/benchmark-results-$stamp.md" "$@"
