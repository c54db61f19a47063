package dev.latchkey.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The harness's command line. Every option has a default, so no argument means the full run of
 * issue #3; a quick check is e.g. {@code --users 1k,10k --reps 2 --warmup 1 --measure 2}.
 */
record Options(List<StoreKind> stores, List<Integer> users, List<Integer> threads, List<Operation> operations, int repetitions,
               Duration warmup, Duration measure, int sessions, int poolSize, boolean gcBetween, double quietBelow,
               Duration maxWait, int retries, boolean diagnose, String h2Options, Path dataDirectory, Path output, long seed) {

    static final String USAGE = """
            Usage: java -jar target/benchmarks.jar [options]
              --stores LIST     memory,h2,postgresql (or postgres, pg; default: all three; memory is the baseline of every ratio)
              --users LIST      existing users per store, e.g. 1k,1M (default: 1k,1M; suffixes k and M)
              --threads LIST    calling threads (default: 1,2)
              --ops LIST        login,refresh,anon-login (default: all; anon-login runs after the others, as it adds users)
              --reps N          repetitions of every cell, interleaved (default: 3)
              --warmup SECONDS  warm-up of every cell before measuring (default: 2)
              --measure SECONDS measuring window of every cell (default: 5)
              --sessions N      sessions opened before measuring, whose refresh tokens refresh uses (default: 5000)
              --pool N          store.maxPoolSize of the JDBC stores (default: 10, the engine's default)
              --gc-between B    full GC before every cell, so one cell's garbage is not the next one's pause (default: true)
              --quiet-below C   other processes may use at most C cores (default 0.25): before a cell the harness waits
                                for that, and a cell they disturbed more is run again (the machine may be shared)
              --max-wait SECONDS longest wait for a quiet machine before a cell runs anyway (default: 60)
              --retries N       re-runs of a disturbed cell; the least disturbed run is kept (default: 2)
              --diagnose B      after the measured cells, one more log-in and refresh run per PostgreSQL fixture with
                                PostgreSQL's wait events sampled and its table statistics read (default: true)
              --h2-options S    an experiment: H2 URL settings appended to the engine's (e.g. ';RETENTION_TIME=0'); the
                                H2 store is then configured with an explicit jdbcUrl to the same file (default: none)
              --data-dir PATH   where the H2 files go; emptied first (default: target/bench-data)
              --out PATH        the Markdown report, also printed on standard output (default: target/benchmark-results.md)
              --seed N          seeds the random choice of users and the order of cells (default: 42)
            """;

    static Options parse(String[] args) {
        List<StoreKind> stores = List.of(StoreKind.MEMORY, StoreKind.H2, StoreKind.POSTGRESQL);
        List<Integer> users = List.of(1_000, 1_000_000);
        List<Integer> threads = List.of(1, 2);
        List<Operation> operations = List.of(Operation.LOGIN, Operation.REFRESH, Operation.ANON_LOGIN);
        int repetitions = 3;
        Duration warmup = Duration.ofSeconds(2);
        Duration measure = Duration.ofSeconds(5);
        int sessions = 5_000;
        int poolSize = 10;
        boolean gcBetween = true;
        double quietBelow = 0.25;
        Duration maxWait = Duration.ofSeconds(60);
        int retries = 2;
        boolean diagnose = true;
        String h2Options = "";
        Path dataDirectory = Path.of("target", "bench-data");
        Path output = Path.of("target", "benchmark-results.md");
        long seed = 42;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("--help") || name.equals("-h")) {
                throw new IllegalArgumentException("");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            String value = args[++i];
            switch (name) {
                case "--stores" -> stores = list(value, StoreKind::parse);
                case "--users" -> users = list(value, Options::count);
                case "--threads" -> threads = list(value, v -> positive(name, Integer.parseInt(v)));
                case "--ops" -> operations = list(value, Operation::parse);
                case "--reps" -> repetitions = positive(name, Integer.parseInt(value));
                case "--warmup" -> warmup = seconds(value);
                case "--measure" -> measure = seconds(value);
                case "--sessions" -> sessions = positive(name, count(value));
                case "--pool" -> poolSize = positive(name, Integer.parseInt(value));
                case "--gc-between" -> gcBetween = Boolean.parseBoolean(value);
                case "--quiet-below" -> quietBelow = Double.parseDouble(value);
                case "--max-wait" -> maxWait = seconds(value);
                case "--retries" -> retries = Integer.parseInt(value);
                case "--diagnose" -> diagnose = Boolean.parseBoolean(value);
                case "--h2-options" -> h2Options = value;
                case "--data-dir" -> dataDirectory = Path.of(value);
                case "--out" -> output = Path.of(value);
                case "--seed" -> seed = Long.parseLong(value);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        if (measure.isZero() || measure.isNegative()) {
            throw new IllegalArgumentException("--measure must be positive");
        }
        return new Options(stores, users.stream().sorted().distinct().toList(), threads.stream().sorted().distinct().toList(),
                operations, repetitions, warmup, measure, sessions, poolSize, gcBetween, quietBelow, maxWait, Math.max(0, retries),
                diagnose, h2Options, dataDirectory, output, seed);
    }

    private static <T> List<T> list(String value, Function<String, T> parse) {
        List<T> out = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                T item = parse.apply(part.trim());
                if (!out.contains(item)) {
                    out.add(item);
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("empty list: " + value);
        }
        return List.copyOf(out);
    }

    /** 1000, 1k, 10k, 1M. */
    static int count(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT).replace("_", "");
        long factor = 1;
        if (v.endsWith("k")) {
            factor = 1_000;
            v = v.substring(0, v.length() - 1);
        } else if (v.endsWith("m")) {
            factor = 1_000_000;
            v = v.substring(0, v.length() - 1);
        }
        return positive("a count", Math.toIntExact(Long.parseLong(v) * factor));
    }

    private static Duration seconds(String value) {
        double s = Double.parseDouble(value);
        if (s < 0) {
            throw new IllegalArgumentException("a duration must not be negative: " + value);
        }
        return Duration.ofNanos((long) (s * 1e9));
    }

    private static int positive(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be at least 1");
        }
        return value;
    }
}
