#!/usr/bin/env bash
# Builds the benchmarks and runs CryptoFloor (issue #10, first part of the harness) with JMH: engine
# operations on an in-memory engine beside the cryptography they cannot avoid (RS256 check and
# signature, Argon2id), in one run. The Markdown table goes to standard output and to
# target/floor-<UTC time>.md; JMH's progress to standard output before it.
#
#   benchmarks/run-floor.sh            # 5 forks × (5 + 5 iterations of 2 s) × 8 operations: about 15 minutes
#   benchmarks/run-floor.sh --quick    # 2 forks × (3 + 3 iterations of 1 s): about 3 minutes
#   benchmarks/run-floor.sh --forks 3 --warmup 3 --measure 5 --seconds 2   # anything in between
#   benchmarks/run-floor.sh --interleaved [--rounds 40 --slice-ms 200]       # same ratios, A/B alternating in one
#                                          JVM (for a busy machine): about 6 minutes
#
# Needs the Latchkey jars (auth-core, provider-email) in the local Maven repository
# (`mvn -B -DskipTests install` at the root). JAVA_HOME picks the JDK for this JVM and JMH's forks.
set -euo pipefail
cd "$(dirname "$0")"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn -B -q -o -f pom.xml package
# shellcheck disable=SC2086 # BENCH_JVM_OPTS is a list of flags
main=dev.latchkey.benchmarks.FloorRun
if [[ "${1:-}" == "--interleaved" ]]; then
    main=dev.latchkey.benchmarks.InterleavedFloor
fi
# shellcheck disable=SC2086 # BENCH_JVM_OPTS is a list of flags
exec "$java" ${BENCH_JVM_OPTS:--Xmx512m} -cp target/benchmarks.jar "$main" "$@"
