#!/usr/bin/env bash
# Timing of the secret comparisons (issue #9): builds the benchmarks and runs ComparisonTiming through
# TimingRun: failed API-key log-ins, failed refreshes and admin-key checks, each benchmark's cases
# interleaved in one fork, reported as ratios to a baseline case. Then, unless --no-email, the
# interleaved email/password check of issue #4 (unknown address vs wrong password,
# run-email-timing.sh --ops allFourInterleaved). Reports go to standard output and to
# target/timing-<UTC time>/report.md and target/email-timing-<UTC time>/report.md.
#
#   benchmarks/run-timing.sh               # 3 rounds × 2 forks, both stores; with the email check: about 25 minutes here
#   benchmarks/run-timing.sh --quick       # 1 round; the email check with 1 round: about 8 minutes
#   benchmarks/run-timing.sh --no-email    # the comparisons only
#   benchmarks/run-timing.sh --help        # every option of the comparisons
#
# Needs the Latchkey jars (auth-core, auth-server, provider-email) in the local Maven repository.
# JAVA_HOME picks the JDK.
set -euo pipefail
cd "$(dirname "$0")"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
email=yes
quick=no
args=()
for a in "$@"; do
  case "$a" in
    --no-email) email=no ;;
    --quick) quick=yes; args+=("$a") ;;
    *) args+=("$a") ;;
  esac
done
mvn -B -q -f pom.xml package
# shellcheck disable=SC2086 # BENCH_JVM_OPTS is a list of flags
"$java" ${BENCH_JVM_OPTS:--Xmx256m} -cp target/benchmarks.jar dev.latchkey.benchmarks.TimingRun "${args[@]}"
if [ "$email" = yes ]; then
  if [ "$quick" = yes ]; then
    ./run-email-timing.sh --ops allFourInterleaved --rounds 1 --warmup-iterations 3 --iterations 4
  else
    ./run-email-timing.sh --ops allFourInterleaved
  fi
fi
