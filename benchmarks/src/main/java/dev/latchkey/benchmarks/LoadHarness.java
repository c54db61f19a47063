package dev.latchkey.benchmarks;

import dev.latchkey.api.Credentials;
import dev.latchkey.testkit.db.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The load harness of issue #3: log-ins and refreshes per second, and their latencies, on each
 * store with a small and a large number of existing users, on one and more threads.
 *
 * <p>All fixtures (one engine per store and user count) are built first; then every cell
 * (operation × store × users × threads) is measured once per repetition, in a shuffled order, so a
 * slow spell of this noisy 2-core machine hits all stores alike and a ratio compares runs made
 * minutes apart at most. Ratios against the in-memory store are taken per repetition and then
 * summarised by their median and range.
 */
public final class LoadHarness {
    private LoadHarness() {
    }

    /**
     * Runs the benchmark; see {@link Options#USAGE}.
     *
     * @param args the options
     * @throws Exception when the run fails
     */
    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println(e.getMessage());
            }
            System.err.print(Options.USAGE);
            System.exit(2);
            return;
        }
        // The engine, Flyway, HikariCP and H2 log through java.util.logging: keep standard error for progress.
        Logger.getLogger("").setLevel(Level.WARNING);

        Results results = new Results(options, String.join(" ", args));
        Files.createDirectories(options.dataDirectory());
        removeOldFixtures(options.dataDirectory());
        Map<String, Fixture> fixtures = new LinkedHashMap<>();
        TestPostgres postgres = options.stores().contains(StoreKind.POSTGRESQL) ? TestPostgres.start() : null;
        try {
            if (postgres != null) {
                Progress.say("PostgreSQL started: %s", postgres);
            }
            CpuMonitor cpu = new CpuMonitor(postgres == null ? 0 : port(postgres.maintenanceDatabase().jdbcUrl()));
            if (postgres != null && !cpu.seesPostgres()) {
                Progress.say("PostgreSQL's processes not found: their CPU counts as other processes'");
            }
            results.cpu(cpu);
            for (int users : options.users()) {
                for (StoreKind kind : options.stores()) {
                    Path dir = options.dataDirectory().resolve(kind.name().toLowerCase(Locale.ROOT) + "-" + users);
                    Fixture f = Fixture.open(kind, users, options.sessions(), options.poolSize(), dir,
                            kind == StoreKind.POSTGRESQL ? postgres.newDatabase() : null, options.h2Options());
                    fixtures.put(key(kind, users), f);
                    results.fixture(f);
                }
            }
            warmUp(options, fixtures.values(), cpu);
            List<Operation> steady = options.operations().stream().filter(op -> !op.addsUsers()).toList();
            List<Operation> growing = options.operations().stream().filter(Operation::addsUsers).toList();
            // Operations that add users run after the others, so "existing users" stays true for those.
            if (!steady.isEmpty()) {
                measure(options, fixtures, steady, results, cpu);
            }
            if (options.diagnose()) {
                diagnose(options, fixtures.values(), steady, results, cpu);
            }
            if (!growing.isEmpty()) {
                measure(options, fixtures, growing, results, cpu);
            }
            for (Fixture f : fixtures.values()) {
                results.finalSize(f, f.sizeOnDisk());
            }
        } finally {
            for (Fixture f : fixtures.values()) {
                f.close();
            }
            if (postgres != null) {
                postgres.close();
            }
        }
        String report = results.markdown();
        Files.createDirectories(options.output().toAbsolutePath().getParent());
        Files.writeString(options.output(), report);
        System.out.print(report);
        System.out.flush();
        Progress.say("report written to %s", options.output());
    }

    private static void warmUp(Options options, Iterable<Fixture> fixtures, CpuMonitor cpu) throws InterruptedException {
        // JIT-compile every path (each store's driver, both operations) once before any cell counts.
        for (Fixture f : fixtures) {
            for (Operation op : options.operations()) {
                if (!op.addsUsers()) {
                    Measurement m = LoadRun.run(1, Duration.ZERO, options.warmup(), options.seed(), cpu,
                            call(f, op, "bench-warmup"));
                    Progress.say("warm-up %s %s: %,.0f ops/s", f.name(), op.label(), m.opsPerSecond());
                }
            }
        }
    }

    private static void measure(Options options, Map<String, Fixture> fixtures, List<Operation> ops, Results results,
                                CpuMonitor cpu) throws InterruptedException {
        record Cell(Operation op, Fixture fixture, int threads) {
        }
        List<Cell> cells = new ArrayList<>();
        for (Operation op : ops) {
            for (Fixture f : fixtures.values()) {
                for (int threads : options.threads()) {
                    cells.add(new Cell(op, f, threads));
                }
            }
        }
        for (int rep = 0; rep < options.repetitions(); rep++) {
            List<Cell> order = new ArrayList<>(cells);
            Collections.shuffle(order, new Random(options.seed() + rep));
            int done = 0;
            for (Cell c : order) {
                Measurement kept = null;
                int attempt = 0;
                while (true) {
                    attempt++;
                    if (options.gcBetween()) {
                        System.gc();
                    }
                    waitForQuiet(options, cpu);
                    Measurement m = LoadRun.run(c.threads(), options.warmup(), options.measure(), options.seed() + rep, cpu,
                            call(c.fixture(), c.op(), "bench-device"));
                    boolean disturbed = m.otherCores() > options.quietBelow();
                    Progress.say("rep %d/%d [%d/%d] %s, %s, %d thread(s): %,.0f ops/s, p50 %.0f µs, p99 %.0f µs;"
                                    + " CPU ours %.2f, others %.2f, iowait %.2f, disk reads %.1f MB/s%s%s",
                            rep + 1, options.repetitions(), done + 1, order.size(), c.op().label(), c.fixture().name(), c.threads(),
                            m.opsPerSecond(), m.p50Micros(), m.p99Micros(), m.ourCores(), m.otherCores(),
                            m.ioWaitCores(), m.diskReadMbPerSecond(), m.errors() > 0 ? ", " + m.errors() + " ERRORS" : "", disturbed ? " (disturbed)" : "");
                    if (kept == null || m.otherCores() < kept.otherCores()) {
                        kept = m;
                    }
                    if (!disturbed || attempt > options.retries()) {
                        break;
                    }
                }
                done++;
                results.add(c.op(), c.fixture().kind, c.fixture().users, c.threads(), rep, kept.withAttempts(attempt));
            }
        }
    }

    /** A run per PostgreSQL fixture and operation, on the most threads, with PostgreSQL's wait events sampled. */
    private static void diagnose(Options options, Iterable<Fixture> fixtures, List<Operation> ops, Results results,
                                 CpuMonitor cpu) throws Exception {
        int threads = options.threads().get(options.threads().size() - 1);
        for (Fixture f : fixtures) {
            if (f.kind != StoreKind.POSTGRESQL) {
                continue;
            }
            try (PostgresDiagnostics diagnostics = new PostgresDiagnostics(f.postgres)) {
                results.postgresSettings("shared_buffers " + diagnostics.setting("shared_buffers") + ", fsync "
                        + diagnostics.setting("fsync") + ", synchronous_commit " + diagnostics.setting("synchronous_commit")
                        + ", full_page_writes " + diagnostics.setting("full_page_writes") + ", max_connections "
                        + diagnostics.setting("max_connections"));
                for (Operation op : ops) {
                    Map<String, long[]> before = diagnostics.tableStats();
                    diagnostics.startSampling();
                    Measurement m = LoadRun.run(threads, options.warmup(), options.measure(), options.seed(), cpu,
                            call(f, op, "bench-diagnose"));
                    String waits = diagnostics.stopSampling();
                    Map<String, long[]> after = diagnostics.tableStats();
                    Progress.say("diagnose %s, %s, %d thread(s): %,.0f ops/s; waits: %s", op.label(), f.name(), threads,
                            m.opsPerSecond(), waits);
                    results.diagnosis(String.format(Locale.ROOT, "%s, %s, %d thread(s): %,.0f ops/s, p99 %,.0f µs, CPU ours %.2f,"
                                    + " iowait %.2f, disk reads %.1f MB/s", op.label(), f.name(), threads, m.opsPerSecond(), m.p99Micros(),
                            m.ourCores(), m.ioWaitCores(), m.diskReadMbPerSecond()),
                            waits, PostgresDiagnostics.delta(before, after));
                }
            }
        }
    }

    /** Waits, up to --max-wait, until other processes leave the machine's cores to us. */
    private static void waitForQuiet(Options options, CpuMonitor cpu) throws InterruptedException {
        if (!cpu.available()) {
            return;
        }
        long deadline = System.nanoTime() + options.maxWait().toNanos();
        double others = cpu.otherCoresOver(300);
        boolean said = false;
        while (others > options.quietBelow() && System.nanoTime() < deadline) {
            if (!said) {
                Progress.say("  other processes use %.2f cores: waiting up to %d s for a quiet machine", others,
                        options.maxWait().toSeconds());
                said = true;
            }
            others = cpu.otherCoresOver(1_000);
        }
    }

    /** The port of a PostgreSQL JDBC URL ({@code jdbc:postgresql://host:port/db}), or 0. */
    private static int port(String jdbcUrl) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^jdbc:postgresql://[^/:]+:([0-9]+)/").matcher(jdbcUrl);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static LoadRun.Call call(Fixture f, Operation op, String device) {
        return switch (op) {
            case LOGIN -> random -> f.engine.logIn(BenchIdp.as(Users.subject(random.nextInt(f.users))), device);
            case REFRESH -> random -> f.engine.refresh(f.refreshTokens[random.nextInt(f.refreshTokens.length)]);
            case ANON_LOGIN -> random -> f.engine.logIn(Credentials.anonymous(), device);
        };
    }

    private static String key(StoreKind kind, int users) {
        return kind + "/" + users;
    }

    /** Deletes the fixture directories an earlier run left (only those: --data-dir may name a directory with other files). */
    private static void removeOldFixtures(Path dataDirectory) throws IOException {
        List<Path> old;
        try (Stream<Path> children = Files.list(dataDirectory)) {
            old = children.filter(p -> p.getFileName().toString().matches("(memory|h2|postgresql)-[0-9]+")).toList();
        }
        for (Path dir : old) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
