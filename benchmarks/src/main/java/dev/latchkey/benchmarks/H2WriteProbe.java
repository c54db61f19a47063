package dev.latchkey.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.core.Latchkey;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.h2.mvstore.MVStore;

/**
 * What an H2 setting does to the cost of the store's commit (issue #10): two engines in one JVM,
 * each on its own H2 file, A with the embedded default's settings and B with extra H2 URL
 * settings or SQL run on its schema (an index dropped), take turns of API-key log-ins (one session written each, the commit that dominates
 * their CPU on H2) for {@code --rounds} rounds of {@code --slice-ms} each. Only one engine works at
 * a time, so the process's CPU time in a slice is that engine's; a busy machine disturbs both
 * alike. Reported: log-ins per CPU-second of each, B's ratio to A per round (median and
 * interquartile range), and from each file afterwards the store versions per log-in (how many
 * commits wrote), the live chunks and the file's size.
 *
 * <pre>benchmarks/run-h2-probe.sh [--b-options ";PAGE_SIZE=4096"] [--b-sql "DROP INDEX ..."] [--threads 4] [--rounds 20] [--slice-ms 1000]</pre>
 */
public final class H2WriteProbe {
    private static final String DEFAULT_OPTIONS = ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000";

    private H2WriteProbe() {
    }

    /** One engine with its file and its API key. */
    private record Side(String name, Path file, AuthService engine, Credentials key, AtomicLong logIns) {
    }

    /**
     * Runs the probe and prints the table (also written to target/h2-probe-&lt;time&gt;.md).
     *
     * @param args the options of the class comment
     * @throws Exception when an engine cannot be built
     */
    public static void main(String[] args) throws Exception {
        String bOptions = "";
        List<String> bSql = new ArrayList<>();
        int threads = 4;
        int rounds = 20;
        int sliceMs = 1000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--b-options" -> bOptions = args[++i];
                case "--b-sql" -> bSql.add(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--slice-ms" -> sliceMs = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--b-options S, --b-sql S, --threads N, --rounds N, --slice-ms N)");
            }
        }
        if (bOptions.isEmpty() && bSql.isEmpty()) {
            throw new IllegalArgumentException("give B something A has not: --b-options (H2 URL settings, for example"
                    + " \";PAGE_SIZE=4096\") or --b-sql (a statement run on B's schema, for example \"DROP INDEX ...\")");
        }
        Logger.getLogger("").setLevel(Level.WARNING);
        String started = Instant.now().toString();
        Path directory = Files.createTempDirectory("h2-probe");
        Side a = side("A", directory, "");
        Side b = side("B", directory, bOptions);
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + b.file().toString().replace(".mv.db", "") + DEFAULT_OPTIONS + bOptions);
             Statement s = c.createStatement()) {
            for (String sql : bSql) {
                s.execute(sql);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            // Warm-up: both engines, then the measured rounds, A and B in turn.
            for (int i = 0; i < 3; i++) {
                slice(a, pool, threads, sliceMs);
                slice(b, pool, threads, sliceMs);
            }
            double[] rateA = new double[rounds];
            double[] rateB = new double[rounds];
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                rateA[r] = slice(a, pool, threads, sliceMs);
                rateB[r] = slice(b, pool, threads, sliceMs);
                ratio[r] = rateB[r] / rateA[r];
            }
            a.engine().close();
            b.engine().close();
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "# H2 settings and the store's commit, %s%n%n", started));
            out.append(String.format(Locale.ROOT, "API-key log-ins in process, %d threads, %d rounds of %d ms per side after 3 warm-up"
                    + " rounds. A: `%s`. B: A + `%s`, then %s. Log-ins per process CPU-second: median (interquartile range) over rounds."
                    + " Versions per log-in: H2 store versions (commits that wrote) over all log-ins, warm-up included.%n%n",
                    threads, rounds, sliceMs, DEFAULT_OPTIONS, bOptions, bSql.isEmpty() ? "nothing" : "`" + String.join("; ", bSql) + "`"));
            out.append("| side | log-ins per CPU-s | versions per log-in | live chunks | file |\n|---|---:|---:|---:|---:|\n");
            out.append(row(a, rateA)).append(row(b, rateB));
            out.append(String.format(Locale.ROOT, "%nB ÷ A per round: **%s**%n", Quartiles.summary(ratio, "%.3f")));
            MarkdownReport.publish(out.toString(), "h2-probe-" + started);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Side side(String name, Path directory, String extraOptions) {
        Path file = directory.resolve(name).resolve("store");
        String config = "{\"store\":{\"jdbcUrl\":\"jdbc:h2:file:" + file + DEFAULT_OPTIONS + extraOptions + "\"},"
                + "\"providers\":{\"api-key\":{\"enabled\":true},\"local-userpass\":{\"enabled\":true,\"autoConfirm\":true}},"
                + "\"throttle\":{\"enabled\":false}}";
        AuthService engine = Latchkey.service("probe-" + name).dataDirectory(directory.resolve(name)).config(config).build();
        engine.emailPassword().registerUser("probe@example.com", "probe-password-1");
        String userId = engine.logIn(Credentials.emailPassword("probe@example.com", "probe-password-1")).user().id();
        Credentials key = Credentials.apiKey(engine.apiKeys(userId).create("probe").value());
        return new Side(name, Path.of(file + ".mv.db"), engine, key, new AtomicLong());
    }

    /** One slice of log-ins on one side; returns its log-ins per process CPU-second. */
    private static double slice(Side side, ExecutorService pool, int threads, int sliceMs) throws Exception {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long end = System.nanoTime() + sliceMs * 1_000_000L;
        long cpuStart = os.getProcessCpuTime();
        List<Future<Long>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(pool.submit(() -> {
                long n = 0;
                while (System.nanoTime() < end) {
                    side.engine().logIn(side.key());
                    n++;
                }
                return n;
            }));
        }
        long n = 0;
        for (Future<Long> w : workers) {
            n += w.get(sliceMs + 60_000L, TimeUnit.MILLISECONDS);
        }
        long cpu = os.getProcessCpuTime() - cpuStart;
        side.logIns().addAndGet(n);
        return n * 1e9 / Math.max(1, cpu);
    }

    private static String row(Side side, double[] rates) throws Exception {
        MVStore store = new MVStore.Builder().fileName(side.file().toString()).readOnly().open();
        try {
            long chunks = store.getFileStore().getLayoutMap().keySet().stream().filter(k -> k.startsWith("chunk.")).count();
            return String.format(Locale.ROOT, "| %s | %s | %.2f | %,d | %,d MiB |%n", side.name(), Quartiles.summary(rates, "%.0f"),
                    (double) store.getCurrentVersion() / Math.max(1, side.logIns().get()), chunks, Files.size(side.file()) >> 20);
        } finally {
            store.close();
        }
    }
}
