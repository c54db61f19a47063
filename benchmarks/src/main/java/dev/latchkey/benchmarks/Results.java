package dev.latchkey.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Collects the measurements and writes the Markdown report: medians over repetitions with their
 * min–max range, ratios against the in-memory store taken per repetition, and the target check of
 * issue #3 (p99 log-in latency with the most users within 1.5× of the fewest).
 */
final class Results {
    /** Issue #3: at 1 M users, p99 log-in latency within 1.5× of 1 k users. */
    static final double TARGET = 1.5;

    private record Key(Operation op, StoreKind store, int users, int threads) {
    }

    private final Options options;
    private final String arguments;
    private final Map<Key, Measurement[]> cells = new LinkedHashMap<>();
    private final List<Fixture> fixtures = new ArrayList<>();

    Results(Options options, String arguments) {
        this.options = options;
        this.arguments = arguments;
    }

    private CpuMonitor cpu;
    private String postgresSettings;
    private final List<String[]> diagnoses = new ArrayList<>();

    void postgresSettings(String settings) {
        this.postgresSettings = settings;
    }

    void diagnosis(String run, String waits, String tableRows) {
        diagnoses.add(new String[] {run, waits, tableRows});
    }

    void cpu(CpuMonitor monitor) {
        this.cpu = monitor;
    }

    private final Map<Fixture, Long> finalSizes = new LinkedHashMap<>();

    void finalSize(Fixture f, long bytes) {
        finalSizes.put(f, bytes);
    }

    void fixture(Fixture f) {
        fixtures.add(f);
    }

    void add(Operation op, StoreKind store, int users, int threads, int rep, Measurement m) {
        cells.computeIfAbsent(new Key(op, store, users, threads), k -> new Measurement[options.repetitions()])[rep] = m;
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Latchkey load benchmark\n\n");
        md.append("Run ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append(".\n\n");
        machine(md);
        population(md);
        for (Operation op : options.operations()) {
            table(md, op);
        }
        target(md);
        diagnoses(md);
        plans(md);
        return md.toString();
    }

    private void machine(StringBuilder md) {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        String gcs = ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                .collect(Collectors.joining(", "));
        md.append("## Machine and settings\n\n");
        md.append("- CPU: ").append(cpuModel()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores available to the JVM\n");
        md.append(String.format(Locale.ROOT, "- Memory: %.1f GiB; JVM heap max %.1f GiB%n",
                os.getTotalMemorySize() / (double) (1L << 30), Runtime.getRuntime().maxMemory() / (double) (1L << 30)));
        md.append("- OS: ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version")).append('\n');
        md.append("- JVM: ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.runtime.version"))
                .append(" (").append(gcs).append("); flags: `")
                .append(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())).append("`\n");
        fixtures.stream().filter(f -> f.kind != StoreKind.MEMORY).map(f -> f.kind.label() + ": " + f.databaseVersion).distinct()
                .forEach(line -> md.append("- ").append(line).append('\n'));
        md.append("- Arguments: `").append(arguments.isEmpty() ? "(defaults)" : arguments).append("`\n");
        md.append(String.format(Locale.ROOT, "- Each cell: %.1f s warm-up, then %.1f s measured; %d repetitions, interleaved in a shuffled"
                        + " order; %s; %,d sessions opened before measuring for refresh; JDBC pool %d%n",
                options.warmup().toMillis() / 1000.0, options.measure().toMillis() / 1000.0, options.repetitions(),
                options.gcBetween() ? "full GC before each cell" : "no GC between cells", options.sessions(), options.poolSize()));
        md.append(String.format(Locale.ROOT, "- Other processes: before each cell the harness waits (up to %d s) until other processes"
                        + " use under %.2f cores, and re-runs (up to %d times) a cell they disturbed more, keeping the least disturbed"
                        + " run. \"CPU\" gives the cores used while measuring by this benchmark (the JVM%s) / by everything else.%n",
                options.maxWait().toSeconds(), options.quietBelow(), options.retries(),
                cpu != null && cpu.seesPostgres() ? " and its PostgreSQL server" : ""));
        md.append("- Values: median over repetitions, (min–max) their range. \"× in-memory\" is the cell's value divided by the"
                + " in-memory store's in the same repetition (same users, threads, operation). \"runs\": measurements made over all repetitions (the repetitions"
                + " plus re-runs of disturbed ones).\n\n");
    }

    private void population(StringBuilder md) {
        md.append("## Population\n\n");
        md.append("| store | users | insert users (s) | sessions for refresh | open them through the engine (s) | size on disk: built → end of run |\n");
        md.append("|---|---:|---:|---:|---:|---|\n");
        for (Fixture f : fixtures) {
            long end = finalSizes.getOrDefault(f, -1L);
            md.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %,d | %.1f | %s |%n", f.kind.label(), f.users,
                    f.populateTime.toMillis() / 1000.0, f.refreshTokens.length, f.sessionsTime.toMillis() / 1000.0,
                    f.initialBytes < 0 ? "-" : mb(f.initialBytes) + " → " + (end < 0 ? "?" : mb(end))));
        }
        md.append("\nUsers are inserted with JDBC batches in the rows the store writes (in memory: the store's own"
                + " `logInIdentity`), then PostgreSQL gets `VACUUM ANALYZE` + `CHECKPOINT` and H2 `ANALYZE`"
                + " (included in the time).\n\n");
    }

    private void table(StringBuilder md, Operation op) {
        List<Key> keys = cells.keySet().stream().filter(k -> k.op() == op).sorted((a, b) -> {
            int c = Integer.compare(a.users(), b.users());
            c = c != 0 ? c : Integer.compare(a.threads(), b.threads());
            return c != 0 ? c : a.store().compareTo(b.store());
        }).toList();
        if (keys.isEmpty()) {
            return;
        }
        md.append("## ").append(capitalised(op.label())).append("\n\n");
        md.append("| users | threads | store | ops/s | ops/s × in-memory | p50 µs | p99 µs | p99 × in-memory | p99.9 µs | CPU ours / others | runs | errors |\n");
        md.append("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Key k : keys) {
            Measurement[] ms = cells.get(k);
            Measurement[] base = cells.get(new Key(op, StoreKind.MEMORY, k.users(), k.threads()));
            // Without the in-memory store in the run there is nothing to divide by: "-", not a ratio of 1.
            String none = k.store() == StoreKind.MEMORY ? "1" : base == null ? "-" : null;
            md.append(String.format(Locale.ROOT, "| %,d | %d | %s | %s | %s | %s | %s | %s | %s | %.2f / %.2f | %d | %d |%n",
                    k.users(), k.threads(), k.store().label(),
                    summary(ms, Measurement::opsPerSecond, "%,.0f"),
                    none != null ? none : summary(ratios(ms, base, Measurement::opsPerSecond), "%.2f"),
                    summary(ms, Measurement::p50Micros, "%,.0f"),
                    summary(ms, Measurement::p99Micros, "%,.0f"),
                    none != null ? none : summary(ratios(ms, base, Measurement::p99Micros), "%.2f"),
                    summary(ms, Measurement::p999Micros, "%,.0f"),
                    median(Arrays.stream(ms).mapToDouble(Measurement::ourCores).toArray()),
                    median(Arrays.stream(ms).mapToDouble(Measurement::otherCores).toArray()),
                    Arrays.stream(ms).mapToInt(Measurement::attempts).sum(),
                    Arrays.stream(ms).mapToLong(Measurement::errors).sum()));
        }
        md.append('\n');
    }

    private void target(StringBuilder md) {
        if (options.users().size() < 2) {
            return;
        }
        int small = options.users().get(0);
        int big = options.users().get(options.users().size() - 1);
        md.append(String.format(Locale.ROOT, "## Target: p99 at %,d users within %.1f× of p99 at %,d users%n%n", big, TARGET, small));
        md.append("The ratio is taken per repetition (the two cells ran in the same round), then summarised.\n\n");
        md.append(String.format(Locale.ROOT, "| operation | store | threads | p99 µs, %,d users | p99 µs, %,d users | ratio | holds |%n", small, big));
        md.append("|---|---|---:|---:|---:|---:|---|\n");
        Map<String, Key> rows = new TreeMap<>();
        for (Key k : cells.keySet()) {
            if (k.users() == small) {
                rows.put(String.format("%d-%d-%03d", k.op().ordinal(), k.store().ordinal(), k.threads()), k);
            }
        }
        for (Key k : rows.values()) {
            Measurement[] low = cells.get(k);
            Measurement[] high = cells.get(new Key(k.op(), k.store(), big, k.threads()));
            if (high == null) {
                continue;
            }
            double[] r = ratios(high, low, Measurement::p99Micros);
            double median = median(r);
            double worst = Arrays.stream(r).max().orElse(Double.NaN);
            String holds = median <= TARGET ? (worst <= TARGET ? "yes" : "yes (median; not every repetition)") : "**no**";
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s |%n", k.op().label(), k.store().label(), k.threads(),
                    summary(low, Measurement::p99Micros, "%,.0f"), summary(high, Measurement::p99Micros, "%,.0f"),
                    summary(r, "%.2f"), holds));
        }
        md.append('\n');
    }

    private void diagnoses(StringBuilder md) {
        if (diagnoses.isEmpty()) {
            return;
        }
        md.append("## PostgreSQL: where it waits\n\n");
        md.append("A separate run after the measured cells (so its sampling costs no measured cell anything): `pg_stat_activity`"
                + " polled every 10 ms for the benchmark's active backends, and the tables' statistics before and after.");
        if (postgresSettings != null) {
            md.append(" Server: ").append(postgresSettings).append('.');
        }
        md.append("\n\n");
        for (String[] d : diagnoses) {
            md.append("**").append(d[0]).append("**\n\n");
            md.append("Wait events: ").append(d[1]).append("\n\n");
            md.append("| table | updates | HOT | heap: shared-buffer hits | indexes: shared-buffer hits | size |\n");
            md.append("|---|---:|---:|---:|---:|---|\n");
            md.append(d[2]).append('\n');
        }
    }

    private void plans(StringBuilder md) {
        int big = options.users().get(options.users().size() - 1);
        List<Fixture> withPlans = fixtures.stream().filter(f -> f.queryPlans != null && f.users == big).toList();
        if (withPlans.isEmpty()) {
            return;
        }
        md.append(String.format(Locale.ROOT, "## Query plans at %,d users%n%n", big));
        md.append("`EXPLAIN ANALYZE` of the statements of a log-in and a refresh (from `JdbcStore`), for one populated user,"
                + " rolled back, taken right after the fixture was built.\n\n");
        for (Fixture f : withPlans) {
            md.append("### ").append(f.kind.label()).append("\n\n").append(f.queryPlans);
        }
    }

    private static double[] ratios(Measurement[] of, Measurement[] to, ToDoubleFunction<Measurement> value) {
        double[] r = new double[of.length];
        for (int i = 0; i < of.length; i++) {
            r[i] = value.applyAsDouble(of[i]) / value.applyAsDouble(to[i]);
        }
        return r;
    }

    private static String summary(Measurement[] ms, ToDoubleFunction<Measurement> value, String format) {
        return summary(Arrays.stream(ms).mapToDouble(value).toArray(), format);
    }

    /** "median (min–max)". */
    static String summary(double[] values, String format) {
        double[] v = values.clone();
        Arrays.sort(v);
        String m = String.format(Locale.ROOT, format, median(v));
        if (v.length == 1) {
            return m;
        }
        return m + " (" + String.format(Locale.ROOT, format, v[0]) + "–" + String.format(Locale.ROOT, format, v[v.length - 1]) + ")";
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%,d MB", bytes >> 20);
    }

    private static String capitalised(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: say so below.
        }
        return System.getProperty("os.arch") + " (model unknown)";
    }
}
