#!/usr/bin/env bash
# Builds the benchmarks and runs H2WriteProbe (issue #10): API-key log-ins in one JVM on two H2 files,
# A with the embedded default's settings and B with the extra H2 URL settings given, in turns, and
# reports B's log-ins per CPU-second against A's, and what each file holds afterwards. The Markdown
# table goes to standard output and to target/h2-probe-<UTC time>.md.
#
#   benchmarks/run-h2-probe.sh --b-options ";PAGE_SIZE=4096"                  # 20 rounds of 1 s per side: about 1 minute
#   benchmarks/run-h2-probe.sh --b-sql "DROP INDEX latchkey_sessions_identity" --threads 16 --rounds 40 --slice-ms 500
#
# Needs the Latchkey jars in the local Maven repository (`mvn -B -DskipTests install` at the root).
set -euo pipefail
cd "$(dirname "$0")"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn -B -q -o -f pom.xml package
# shellcheck disable=SC2086 # BENCH_JVM_OPTS is a list of flags
exec "$java" ${BENCH_JVM_OPTS:--Xmx1g} -cp target/benchmarks.jar dev.latchkey.benchmarks.H2WriteProbe "$@"
