package dev.latchkey.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.RunnerException;

/**
 * Runs {@link Argon2Implementations} (every implementation at both costs, one JMH run) after checking that
 * each gives Bouncy Castle's bytes and RFC 9106's tag, and writes a Markdown table: throughput as the median
 * over the forks (min–max), and each implementation's speed-up over Bouncy Castle with fork k divided by
 * fork k (median, min–max over the pairs).
 *
 * <pre>
 *   --quick          2 forks × (3 warm-up + 3 measured iterations of 1 s)
 *   (default)        5 forks × (5 warm-up + 5 measured iterations of 2 s)
 *   --forks N --warmup N --measure N --seconds N   override
 *   --rounds N       interleaved rounds (default 60, --quick 20)
 *   --no-jmh         the interleaved CPU-time measurement only
 * </pre>
 *
 * <p>Then, in this JVM, an interleaved measurement that the load of a shared machine disturbs less: each
 * round calls every implementation once at each cost, in a shuffled order, and records the calling
 * thread's CPU time ({@link ThreadMXBean#getCurrentThreadCpuTime}, which counts the native call too) and
 * the wall time of each call; the speed-up is the median over the rounds of Bouncy Castle's CPU time
 * divided by the implementation's in the same round. CPU time is also what issue #10's targets count
 * (log-ins per server CPU-second).
 */
public final class Argon2Run {
    private record Settings(int forks, int warmup, int measure, int seconds, int rounds, boolean jmh) {
    }

    private static final String[][] IMPLEMENTATIONS = {
        {"bouncyCastle", "Bouncy Castle 1.87 `Argon2BytesGenerator` (pure Java; provider-email and Keycloak)"},
        {"libargon2", "libargon2 (reference C, Debian `libargon2-1`) through argon2-jvm-nolibs 2.12 / JNA 5.19.1"},
        {"password4j", "password4j 1.8.4 `Argon2Function` (pure Java)"},
    };

    /** The costs of {@link Argon2Implementations#cost}, in its order. */
    private static final String[] COSTS = {"7168:5", "19456:2"};

    private Argon2Run() {
    }

    /**
     * @param args the options above
     * @throws Exception when a check, JMH or the report fails
     */
    public static void main(String[] args) throws Exception {
        Settings s = parse(args);
        Argon2Implementations.check(7168, 5);
        Argon2Implementations.check(19456, 2);
        System.err.println("known answers: libargon2, password4j and Bouncy Castle agree at both costs; RFC 9106 vector matches");
        String started = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
        Map<String, Map<String, double[]>> byCost = new LinkedHashMap<>();
        for (RunResult r : s.jmh() ? run(s) : List.<RunResult>of()) {
            String label = r.getParams().getBenchmark();
            String name = label.substring(label.lastIndexOf('.') + 1);
            List<Double> scores = new ArrayList<>();
            for (BenchmarkResult b : r.getBenchmarkResults()) {
                scores.add(b.getPrimaryResult().getScore());
            }
            byCost.computeIfAbsent(r.getParams().getParam("cost"), k -> new LinkedHashMap<>())
                    .put(name, scores.stream().mapToDouble(Double::doubleValue).toArray());
        }
        String report = (s.jmh() ? report(s, started, byCost) : "## Argon2Implementations, " + started + "\n\n")
                + interleaved(s.rounds());
        MarkdownReport.publish(report, "argon2-" + started);
    }

    private static Settings parse(String[] args) {
        int forks = 5;
        int warmup = 5;
        int measure = 5;
        int seconds = 2;
        int rounds = 60;
        boolean jmh = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> {
                    forks = 2;
                    warmup = 3;
                    measure = 3;
                    seconds = 1;
                    rounds = 20;
                }
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--no-jmh" -> jmh = false;
                case "--forks" -> forks = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--measure" -> measure = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--quick, --forks N, --warmup N, --measure N, --seconds N, --rounds N, --no-jmh)");
            }
        }
        return new Settings(forks, warmup, measure, seconds, rounds, jmh);
    }

    private static Collection<RunResult> run(Settings s) throws RunnerException {
        return JmhRuns.run(Argon2Implementations.class, s.forks(), s.warmup(), s.measure(), s.seconds());
    }

    private static String report(Settings s, String started, Map<String, Map<String, double[]>> byCost) {
        StringBuilder b = new StringBuilder();
        b.append("## Argon2Implementations, ").append(started).append("\n\n");
        b.append(String.format(Locale.ROOT, "JMH throughput, 1 thread, %d forks × (%d warm-up + %d measured iterations of %d s); "
                + "Argon2id v1.3, p=1, 16-byte salt, 32-byte hash; JVM %s %s; %d processors.%n%n", s.forks(), s.warmup(), s.measure(),
                s.seconds(), System.getProperty("java.vm.name"), System.getProperty("java.vm.version"),
                Runtime.getRuntime().availableProcessors()));
        b.append("| cost | implementation | hashes/s, median over forks (min–max) | ms per hash | × Bouncy Castle, median (min–max) over fork pairs |\n");
        b.append("|---|---|---:|---:|---:|\n");
        for (Map.Entry<String, Map<String, double[]>> e : byCost.entrySet()) {
            String[] parts = e.getKey().split(":");
            String cost = "m=" + parts[0] + " KiB, t=" + parts[1];
            double[] base = e.getValue().get("bouncyCastle");
            for (String[] impl : IMPLEMENTATIONS) {
                double[] v = e.getValue().get(impl[0]);
                if (v == null) {
                    continue;
                }
                String ratio = "–";
                if (base != null) {
                    int n = Math.min(v.length, base.length);
                    double[] r = new double[n];
                    for (int i = 0; i < n; i++) {
                        r[i] = v[i] / base[i];
                    }
                    ratio = String.format(Locale.ROOT, "%.2f (%.2f–%.2f)", median(r), min(r), max(r));
                }
                b.append("| ").append(cost).append(" | ").append(impl[1]).append(" | ")
                        .append(String.format(Locale.ROOT, "%.2f (%.2f–%.2f)", median(v), min(v), max(v))).append(" | ")
                        .append(String.format(Locale.ROOT, "%.1f", 1000 / median(v))).append(" | ").append(ratio).append(" |\n");
            }
        }
        return b.toString();
    }

    private static String interleaved(int rounds) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        List<Argon2Implementations> states = new ArrayList<>();
        for (String cost : COSTS) {
            Argon2Implementations state = new Argon2Implementations();
            state.cost = cost;
            state.setUp();
            states.add(state);
        }
        int n = IMPLEMENTATIONS.length;
        // [cost][implementation][round]
        double[][][] cpu = new double[COSTS.length][n][rounds];
        double[][][] process = new double[COSTS.length][n][rounds];
        double[][][] wall = new double[COSTS.length][n][rounds];
        List<int[]> calls = new ArrayList<>();
        for (int c = 0; c < COSTS.length; c++) {
            for (int i = 0; i < n; i++) {
                calls.add(new int[] {c, i});
            }
        }
        Random shuffle = new Random(1);
        int warmupRounds = Math.max(5, rounds / 4);
        System.err.printf(Locale.ROOT, "interleaved: %d warm-up rounds, then %d measured rounds%n", warmupRounds, rounds);
        for (int round = -warmupRounds; round < rounds; round++) {
            Collections.shuffle(calls, shuffle);
            for (int[] call : calls) {
                Argon2Implementations state = states.get(call[0]);
                long process0 = os.getProcessCpuTime();
                long cpu0 = threads.getCurrentThreadCpuTime();
                long wall0 = System.nanoTime();
                byte[] hash = switch (call[1]) {
                    case 0 -> state.bouncyCastle();
                    case 1 -> state.libargon2();
                    default -> state.password4j();
                };
                long wall1 = System.nanoTime();
                long cpu1 = threads.getCurrentThreadCpuTime();
                long process1 = os.getProcessCpuTime();
                if (hash.length != Argon2Implementations.HASH_BYTES) {
                    throw new IllegalStateException("short hash");
                }
                if (round >= 0) {
                    cpu[call[0]][call[1]][round] = (cpu1 - cpu0) / 1e6;
                    process[call[0]][call[1]][round] = (process1 - process0) / 1e6;
                    wall[call[0]][call[1]][round] = (wall1 - wall0) / 1e6;
                }
            }
        }
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%nInterleaved, %d rounds after %d warm-up rounds (each round: every implementation once at "
                + "each cost, shuffled), 1 thread. Thread CPU and wall ms: median (interquartile range) per hash; thread CPU is the "
                + "calling thread's, native code included. × BC (thread): median over rounds of Bouncy Castle's thread CPU time ÷ "
                + "this implementation's in the same round (interquartile range). Process CPU ms: the whole JVM's CPU time "
                + "(garbage collector and JIT included) summed over the calls ÷ the calls (the OS counts it in 10-ms ticks, "
                + "so only the sum means something); × BC (process) and hashes per CPU-second are from it.%n%n",
                rounds, warmupRounds));
        b.append("| cost | implementation | thread CPU ms per hash | wall ms per hash | × BC (thread CPU) | process CPU ms "
                + "per hash | × BC (process CPU) | hashes per process CPU-second |\n");
        b.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (int c = 0; c < COSTS.length; c++) {
            String[] parts = COSTS[c].split(":");
            for (int i = 0; i < n; i++) {
                double[] speedUp = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    speedUp[r] = cpu[c][0][r] / cpu[c][i][r];
                }
                b.append("| m=").append(parts[0]).append(" KiB, t=").append(parts[1]).append(" | ").append(IMPLEMENTATIONS[i][1]);
                double processMs = Arrays.stream(process[c][i]).sum() / rounds;
                double baseProcessMs = Arrays.stream(process[c][0]).sum() / rounds;
                b.append(" | ").append(quartiles(cpu[c][i], "%.1f")).append(" | ").append(quartiles(wall[c][i], "%.1f"))
                        .append(" | ").append(quartiles(speedUp, "%.2f"))
                        .append(String.format(Locale.ROOT, " | %.1f | %.2f | %.1f |%n", processMs, baseProcessMs / processMs, 1000 / processMs));
            }
        }
        return b.toString();
    }

    private static String quartiles(double[] v, String format) {
        return Quartiles.summary(v, format);
    }

    private static double median(double[] v) {
        return Quartiles.median(v);
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }
}
