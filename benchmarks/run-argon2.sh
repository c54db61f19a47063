#!/usr/bin/env bash
# Builds the benchmarks and runs Argon2Implementations (issue #10) with JMH: Argon2id v1.3 computed by
# Bouncy Castle, by the reference C library libargon2 (through JNA) and by password4j, at Keycloak's cost
# (m=7168 KiB, t=5, p=1) and at provider-email's default (m=19456 KiB, t=2, p=1), in one run. It first
# checks that all three give the same bytes (and RFC 9106's Argon2id tag) and stops if one does not.
# The Markdown table goes to standard output and to target/argon2-<UTC time>.md.
#
#   benchmarks/run-argon2.sh            # 5 forks × (5 + 5 iterations of 2 s) × 3 implementations × 2 costs, then 60 interleaved rounds: about 13 minutes
#   benchmarks/run-argon2.sh --quick    # 2 forks × (3 + 3 iterations of 1 s), 20 interleaved rounds: about 3 minutes
#   benchmarks/run-argon2.sh --forks 3 --warmup 3 --measure 5 --seconds 2   # anything in between
#
# Needs libargon2 (Debian: `apt-get install -y libargon2-1`) and the Latchkey jars in the local Maven
# repository. JAVA_HOME picks the JDK for this JVM and JMH's forks.
set -euo pipefail
cd "$(dirname "$0")"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn -B -q -o -f pom.xml package
# shellcheck disable=SC2086 # BENCH_JVM_OPTS is a list of flags
exec "$java" ${BENCH_JVM_OPTS:--Xms1g -Xmx1g} -cp target/benchmarks.jar dev.latchkey.benchmarks.Argon2Run "$@"
