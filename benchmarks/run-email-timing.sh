#!/usr/bin/env bash
# Builds the benchmarks and runs EmailLogInTiming (issue #4, SECURITY.md case 18) with JMH: Argon2id
# alone, and log-ins with the right password, a wrong password and an unknown address, in interleaved
# rounds. The Markdown table of times and ratios goes to standard output and to
# target/email-timing-<UTC time>/report.md (beside JMH's JSON results and logs); progress goes to
# standard error.
#
#   benchmarks/run-email-timing.sh                         # 3 rounds × 5 operations × 2 forks: 7-10 minutes here
#   benchmarks/run-email-timing.sh --rounds 1 --memory-kib 64   # the engine's overhead with a cheap hash
#   benchmarks/run-email-timing.sh --report target/email-timing-<time>   # the report of an earlier run again
#   benchmarks/run-email-timing.sh --help                  # every option
#
# Needs the Latchkey jars (auth-core, provider-email) in the local Maven repository
# (`mvn -B -DskipTests install` at the root). JAVA_HOME picks the JDK, for this JVM and JMH's forks;
# BENCH_JVM_OPTS this JVM's flags (it only starts the forks; --jvm-opts sets theirs).
set -euo pipefail
cd "$(dirname "$0")"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn -B -q -f pom.xml package
# shellcheck disable=SC2086 # BENCH_JVM_OPTS is a list of flags
exec "$java" ${BENCH_JVM_OPTS:--Xmx256m} -cp target/benchmarks.jar dev.latchkey.benchmarks.EmailTimingRun "$@"
