package dev.latchkey.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The ratios of {@link CryptoFloor}, measured so that a busy machine disturbs both sides alike:
 * in one JVM, one thread, the two operations of a pair alternate in short slices (A, B, A, B …
 * for {@code --rounds} rounds) after a warm-up, and each round gives one ratio of A's rate to B's.
 * Reported: the median ratio over the rounds and its interquartile range, from wall time and from
 * the thread's CPU time. JMH's separate forks (run-floor.sh) are the cleaner measurement on a quiet
 * machine; on a shared one (these have 2 cores and other builds), forks minutes apart see
 * different loads, while slices milliseconds apart see the same.
 *
 * <p>{@code benchmarks/run-floor.sh --interleaved [--rounds N] [--slice-ms N]}
 */
public final class InterleavedFloor {
    private interface Op {
        Object run() throws Exception;
    }

    private record Pair(String label, String target, String a, Op opA, String b, Op opB, boolean timeRatio) {
    }

    private long sink;

    private InterleavedFloor() {
    }

    /**
     * Runs every pair and prints the table (also written to target/floor-interleaved-&lt;time&gt;.md).
     *
     * @param args {@code --rounds N} (default 40), {@code --slice-ms N} (default 200), {@code --warmup-s N} (default 5)
     * @throws Exception when the engine cannot be built
     */
    public static void main(String[] args) throws Exception {
        int rounds = 40;
        int sliceMs = 200;
        int warmupSeconds = 5;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--interleaved" -> { }
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--slice-ms" -> sliceMs = Integer.parseInt(args[++i]);
                case "--warmup-s" -> warmupSeconds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--rounds N, --slice-ms N, --warmup-s N)");
            }
        }
        System.exit(new InterleavedFloor().run(rounds, sliceMs, warmupSeconds));
    }

    private int run(int rounds, int sliceMs, int warmupSeconds) throws Exception {
        CryptoFloor floor = new CryptoFloor();
        floor.setUp();
        CryptoFloor.Verifier v = new CryptoFloor.Verifier();
        v.setUp(floor);
        List<Pair> pairs = List.of(
                new Pair("verify ÷ raw RS256 check", "≥ 0.9", "verify", floor::verify, "rawRs256Verify", () -> raw(floor, v), false),
                new Pair("remembered verify ÷ fresh verify", "≥ 20", "verifyRemembered", floor::verifyRemembered, "verify",
                        floor::verify, false),
                new Pair("refresh ÷ RS256 signature", "≥ 0.75 over HTTP", "refresh", floor::refresh, "rawRs256Sign",
                        () -> floor.rawRs256Sign(v), false),
                new Pair("API-key log-in ÷ RS256 signature", "≥ 0.75 over HTTP", "apiKeyLogIn", floor::apiKeyLogIn, "rawRs256Sign",
                        () -> floor.rawRs256Sign(v), false),
                new Pair("anonymous log-in ÷ RS256 signature", "none", "anonymousLogIn", floor::anonymousLogIn, "rawRs256Sign",
                        () -> floor.rawRs256Sign(v), false),
                new Pair("password log-in time ÷ Argon2id time", "≤ 1.05", "passwordLogIn", floor::passwordLogIn,
                        "argon2idHashAlone", floor::argon2idHashAlone, true));
        StringBuilder table = new StringBuilder();
        String started = Instant.now().toString();
        table.append("## CryptoFloor, interleaved, ").append(started).append("\n\n")
                .append(String.format(Locale.ROOT, "One JVM (%s), one thread; per pair %d s warm-up, then %d rounds of A then B, "
                        + "%d ms each (at least one call). Ratio per round; median (interquartile range) over rounds.%n%n",
                        Runtime.version(), warmupSeconds, rounds, sliceMs))
                .append("| ratio | from wall time | from thread CPU time | A ops/s (wall, median) | B ops/s (wall, median) | target |\n")
                .append("|---|---:|---:|---:|---:|---|\n");
        for (Pair p : pairs) {
            System.err.println("measuring " + p.label() + " …");
            long warmupEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
            while (System.nanoTime() < warmupEnd) {
                slice(p.opA(), 50);
                slice(p.opB(), 50);
            }
            double[] wall = new double[rounds];
            double[] cpu = new double[rounds];
            double[] rateA = new double[rounds];
            double[] rateB = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                // Alternate which side goes first, so neither always follows the other's garbage.
                boolean aFirst = r % 2 == 0;
                double[] first = slice(aFirst ? p.opA() : p.opB(), sliceMs);
                double[] second = slice(aFirst ? p.opB() : p.opA(), sliceMs);
                double[] a = aFirst ? first : second;
                double[] b = aFirst ? second : first;
                rateA[r] = a[0];
                rateB[r] = b[0];
                // Throughput ratio A/B, or for the password pair the time ratio (B's rate over A's), as the issue states it.
                wall[r] = p.timeRatio() ? b[0] / a[0] : a[0] / b[0];
                cpu[r] = p.timeRatio() ? b[1] / a[1] : a[1] / b[1];
            }
            table.append(String.format(Locale.ROOT, "| %s (`%s` ÷ `%s`) | %s | %s | %,.1f | %,.1f | %s |%n", p.label(), p.a(), p.b(),
                    summary(wall), summary(cpu), Quartiles.median(rateA), Quartiles.median(rateB), p.target()));
        }
        floor.tearDown();
        MarkdownReport.publish(table.toString(), "floor-interleaved-" + started);
        System.err.println("(" + sink % 2 + ")");
        return 0;
    }

    private static boolean raw(CryptoFloor floor, CryptoFloor.Verifier v) throws GeneralSecurityException {
        return floor.rawRs256Verify(v);
    }

    /** Runs {@code op} for about {@code millis} (at least once); returns {ops per wall second, ops per CPU second}. */
    private double[] slice(Op op, int millis) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long end = start + millis * 1_000_000L;
        long calls = 0;
        long now;
        do {
            sink += op.run().hashCode();
            calls++;
            now = System.nanoTime();
        } while (now < end);
        long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
        return new double[] {calls * 1e9 / (now - start), calls * 1e9 / Math.max(1, cpu)};
    }

    private static String summary(double[] values) {
        return Quartiles.summary(values, "%.3f");
    }
}
