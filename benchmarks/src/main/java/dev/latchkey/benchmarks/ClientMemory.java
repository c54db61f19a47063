package dev.latchkey.benchmarks;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.latchkey.api.AuthApp;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.benchmarks.http.ServerProcess;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.store.InMemoryStore;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Memory per cached user on the client and per live session on the engine (issue #10, "Scale").
 *
 * <ul>
 *   <li><b>Client, in process</b>: an app over an engine on the in-memory store logs in N distinct users
 *       ({@link BenchIdp}), in steps; after each step a full GC and the heap in use. The heap then holds the
 *       engine's users and sessions too, so at the end the app is closed and dropped and the heap read again:
 *       the difference is what the app alone kept. Once with the users in memory only, once with the session
 *       cache file, whose size is read after each step, and which a second app (over a copy of it) must restore.</li>
 *   <li><b>Client over HTTP</b>: the same against an {@code auth-server} child process, anonymous log-ins
 *       (a new user each): this JVM's heap is then the client's alone, so the slope is the client's.</li>
 *   <li><b>Engine</b>: sessions opened by log-ins of 100 existing users, in steps, on the in-memory store and
 *       on the embedded H2 file; heap after a full GC and the H2 file's size after each step.</li>
 * </ul>
 *
 * Every figure is the slope of a least-squares line through the steps, with the per-step increments
 * (median, min–max) beside it. A benchmark, not a test.
 */
public final class ClientMemory {
    private static final String APP_ID = "bench";
    private static final String SERVER_APP_ID = "latchkey";
    private static final Pattern READY = Pattern.compile("Latchkey server listening on (http://\\S+)");
    private static final long MIB = 1024 * 1024;
    /**
     * SessionCacheReader.MAX_BYTES: a cache file larger than this is refused when an app starts, and
     * (since the fix this benchmark prompted) never written. It was 4 MiB.
     */
    private static final long CACHE_READ_LIMIT = 64 * MIB;
    private static final String USAGE = """
            Usage: java -cp target/benchmarks.jar dev.latchkey.benchmarks.ClientMemory [options]
              --quick              client 3 steps x 1,000 users, engine 2 steps x 5,000 sessions (about 2-3 minutes)
              --client-step N      users logged in per client step (default 2000)
              --client-steps N     client steps (default 5, so 0 -> 10,000 users)
              --http-step N        users per step over HTTP (default: as --client-step)
              --session-step N     sessions opened per engine step (default 10000)
              --session-steps N    engine steps (default 3)
              --parts LIST         client,file,http,engine (default: all; http is skipped when the jar is missing)
              --server-jar PATH    auth-server's jar (default ../auth-server/target/auth-server.jar)
              --out PATH           the Markdown report, also printed on standard output
            """;

    private final PrintStream progress;
    private final Path work;

    private ClientMemory(PrintStream progress, Path work) {
        this.progress = progress;
        this.work = work;
    }

    record MemoryOptions(boolean quick, int clientStep, int clientSteps, int httpStep, int sessionStep, int sessionSteps,
                   List<String> parts, Path serverJar, Path out) {
        static MemoryOptions parse(String[] args) {
            boolean quick = false;
            Integer clientStep = null;
            Integer clientSteps = null;
            Integer httpStep = null;
            Integer sessionStep = null;
            Integer sessionSteps = null;
            List<String> parts = List.of("client", "file", "http", "engine");
            Path serverJar = Path.of("..", "auth-server", "target", "auth-server.jar");
            Path out = Path.of("target", "memory.md");
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (name.equals("--quick")) {
                    quick = true;
                    continue;
                }
                if (name.equals("--help") || name.equals("-h") || i + 1 >= args.length) {
                    throw new IllegalArgumentException(name.startsWith("--h") || name.equals("-h") ? "" : name + " needs a value");
                }
                String value = args[++i];
                switch (name) {
                    case "--client-step" -> clientStep = Options.count(value);
                    case "--client-steps" -> clientSteps = Options.count(value);
                    case "--http-step" -> httpStep = Options.count(value);
                    case "--session-step" -> sessionStep = Options.count(value);
                    case "--session-steps" -> sessionSteps = Options.count(value);
                    case "--parts" -> parts = List.of(value.toLowerCase(Locale.ROOT).split(","));
                    case "--server-jar" -> serverJar = Path.of(value);
                    case "--out" -> out = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            }
            int cs = clientStep != null ? clientStep : quick ? 1_000 : 2_000;
            return new MemoryOptions(quick, cs, clientSteps != null ? clientSteps : quick ? 3 : 5, httpStep != null ? httpStep : cs,
                    sessionStep != null ? sessionStep : quick ? 5_000 : 10_000, sessionSteps != null ? sessionSteps : quick ? 2 : 3,
                    parts, serverJar, out);
        }

    }

    /** One series: x (users or sessions) against heap bytes after GC, and a file's bytes (-1 when none). */
    record Point(int x, long heap, long file, int restored) {
    }

    record Series(String name, List<Point> points, long retainedAtEnd, String note) {
    }

    public static void main(String[] args) throws Exception {
        MemoryOptions o;
        try {
            o = MemoryOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage().isEmpty() ? USAGE : e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        Path work = Files.createTempDirectory("latchkey-memory-");
        try {
            String report = new ClientMemory(System.err, work).run(o);
            System.out.print(report);
            Path parent = o.out().toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.writeString(o.out(), report, StandardCharsets.UTF_8);
            System.err.println("report written to " + o.out());
        } finally {
            deleteTree(work);
        }
        // The engines' daemon threads do not hold the JVM, but the HTTP client's may for a while.
        System.exit(0);
    }

    String run(MemoryOptions o) throws Exception {
        Instant started = Instant.now();
        List<Series> client = new ArrayList<>();
        List<Series> engine = new ArrayList<>();
        String httpNote = null;
        warmUp();
        if (o.parts().contains("client")) {
            client.add(inProcessClient(o, false));
        }
        if (o.parts().contains("file")) {
            client.add(inProcessClient(o, true));
        }
        if (o.parts().contains("http")) {
            if (Files.isRegularFile(o.serverJar())) {
                client.add(httpClient(o));
            } else {
                httpNote = "skipped: no server jar at " + o.serverJar() + " (build auth-server, or pass --server-jar)";
                progress.println("over HTTP: " + httpNote);
            }
        }
        if (o.parts().contains("engine")) {
            engine.add(engineSessions(o, StoreKind.MEMORY));
            engine.add(engineSessions(o, StoreKind.H2));
        }
        return report(o, started, client, engine, httpNote);
    }

    // --- the measurements ---

    /** Compiles and loads what the measurements run, so the first step does not pay for class data and JIT. */
    private void warmUp() throws Exception {
        progress.println("warm-up: 2,000 client log-ins, 2,000 engine log-ins");
        Path dir = Files.createDirectories(work.resolve("warm-up"));
        try (AuthService e = engine(StoreKind.MEMORY, dir); AuthApp app = Latchkey.client(e, Clock.systemUTC(), dir)) {
            for (int i = 0; i < 2_000; i++) {
                app.logIn(BenchIdp.as("warm-" + (i % 50)));
                e.logIn(BenchIdp.as("warm-" + (i % 50)));
            }
        }
        deleteTree(dir);
    }

    private Series inProcessClient(MemoryOptions o, boolean file) throws Exception {
        String name = file ? "in process, session cache file" : "in process, memory only";
        Path dir = Files.createDirectories(work.resolve(file ? "client-file" : "client-memory"));
        AuthService e = engine(StoreKind.MEMORY, dir);
        // The app is held here only, so that dropping it at the end leaves nothing of it reachable.
        AuthApp[] app = {file ? Latchkey.client(e, Clock.systemUTC(), dir) : Latchkey.client(e, Clock.systemUTC())};
        Path cache = dir.resolve(APP_ID).resolve("session-cache.json");
        List<Point> points = new ArrayList<>();
        int users = 0;
        for (int step = 0; step <= o.clientSteps(); step++) {
            long t = System.nanoTime();
            for (int i = 0; step > 0 && i < o.clientStep(); i++) {
                app[0].logIn(BenchIdp.as("client-user-" + users++));
            }
            double seconds = (System.nanoTime() - t) / 1e9;
            long size = file ? settledSize(cache, users) : -1;
            long heap = heapAfterGc();
            int restored = file ? restoredFromCopy(e, cache, step) : -1;
            int cached = app[0].allUsers().size();
            if (cached != users) {
                throw new IllegalStateException(name + ": the app holds " + cached + " users, expected " + users);
            }
            points.add(new Point(users, heap, size, restored));
            progress.printf("client %s: %,d users (step %.1f s), heap %,.1f MiB%s%n", name, users, seconds, heap / (double) MIB,
                    file ? String.format(", cache file %,d bytes, restored by a new app: %,d users", size, restored) : "");
        }
        long withApp = heapAfterGc();
        app[0].close();
        app[0] = null;
        long withoutApp = heapAfterGc();
        e.close();
        progress.printf("client %s: heap %,.1f MiB with the app, %,.1f MiB after it is closed and dropped (engine kept)%n", name,
                withApp / (double) MIB, withoutApp / (double) MIB);
        deleteTree(dir);
        return new Series(name, points, withApp - withoutApp, null);
    }

    private Series httpClient(MemoryOptions o) throws Exception {
        Path dir = Files.createDirectories(work.resolve("server"));
        Path config = dir.resolve("config.json");
        Files.writeString(config, """
                {
                  "server": { "rateLimit": { "enabled": false } },
                  "throttle": { "enabled": false },
                  "providers": { "anon-user": { "enabled": true } }
                }
                """, StandardCharsets.UTF_8);
        Path logging = dir.resolve("logging.properties");
        Files.writeString(logging, """
                handlers=java.util.logging.ConsoleHandler
                .level=WARNING
                dev.latchkey.server.level=INFO
                dev.latchkey.server.access.level=WARNING
                java.util.logging.ConsoleHandler.level=ALL
                java.util.logging.ConsoleHandler.formatter=java.util.logging.SimpleFormatter
                java.util.logging.SimpleFormatter.format=%5$s%6$s%n
                """);
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-Djava.util.logging.config.file=" + logging, "-jar", o.serverJar().toString(), "--app-id", SERVER_APP_ID,
                "--config", config.toString(), "--data", dir.resolve("data").toString(), "--host", "127.0.0.1", "--port", "0");
        String name = "over HTTP (auth-server), memory only";
        List<Point> points = new ArrayList<>();
        long retained;
        try (ServerProcess server = ServerProcess.start(command, READY, dir, Duration.ofSeconds(120))) {
            progress.printf("server pid %d at %s%n", server.pid(), server.url());
            AuthApp[] app = {Latchkey.app(SERVER_APP_ID).baseUrl(server.url()).dataDirectory(null).build()};
            // Warm the client's HTTP path (OkHttp, the JSON codec) before the baseline.
            for (int i = 0; i < 300; i++) {
                app[0].logIn(Credentials.anonymous(false)).logOut();
            }
            int users = 0;
            for (int step = 0; step <= o.clientSteps(); step++) {
                long t = System.nanoTime();
                for (int i = 0; step > 0 && i < o.httpStep(); i++) {
                    app[0].logIn(Credentials.anonymous(false));
                    users++;
                }
                double seconds = (System.nanoTime() - t) / 1e9;
                long heap = heapAfterGc();
                int cached = app[0].allUsers().size();
                if (cached != users) {
                    throw new IllegalStateException(name + ": the app holds " + cached + " users, expected " + users);
                }
                points.add(new Point(users, heap, -1, -1));
                progress.printf("client %s: %,d users (step %.1f s), heap %,.1f MiB%n", name, users, seconds, heap / (double) MIB);
            }
            long withApp = heapAfterGc();
            app[0].close();
            app[0] = null;
            retained = withApp - heapAfterGc();
        }
        deleteTree(dir);
        return new Series(name, points, retained, null);
    }

    private Series engineSessions(MemoryOptions o, StoreKind kind) throws Exception {
        Path dir = Files.createDirectories(work.resolve("engine-" + kind.name().toLowerCase(Locale.ROOT)));
        AuthService e = engine(kind, dir);
        Path h2 = dir.resolve(APP_ID).resolve("store.mv.db");
        int owners = 100;
        for (int i = 0; i < owners; i++) {
            e.logIn(BenchIdp.as("owner-" + i));
        }
        long compactedBefore = -1;
        if (kind == StoreKind.H2) {
            // The file grows by superseded chunks H2 keeps, not by the data; the live data is what
            // SHUTDOWN COMPACT leaves, measured here and after the last step (so the heap steps are not disturbed).
            e.close();
            compactedBefore = compactedSize(dir, h2);
            e = engine(kind, dir);
        }
        List<Point> points = new ArrayList<>();
        int sessions = owners;
        for (int step = 0; step <= o.sessionSteps(); step++) {
            long t = System.nanoTime();
            for (int i = 0; step > 0 && i < o.sessionStep(); i++) {
                // The Session is dropped: only what the store keeps stays reachable.
                e.logIn(BenchIdp.as("owner-" + (i % owners)));
                sessions++;
            }
            double seconds = (System.nanoTime() - t) / 1e9;
            long heap = heapAfterGc();
            long file = kind == StoreKind.H2 ? Files.size(h2) : -1;
            points.add(new Point(sessions, heap, file, -1));
            progress.printf("engine %s: %,d sessions (step %.1f s), heap %,.1f MiB%s%n", kind.label(), sessions, seconds,
                    heap / (double) MIB, file < 0 ? "" : String.format(", H2 file %,.1f MiB", file / (double) MIB));
        }
        e.close();
        String note = null;
        if (kind == StoreKind.H2) {
            long compactedAfter = compactedSize(dir, h2);
            int opened = sessions - owners;
            note = String.format(Locale.ROOT, "H2 file after SHUTDOWN COMPACT: %,d bytes with %,d sessions, %,d bytes with %,d:"
                    + " %,.2f MiB per 10,000 sessions of live data", compactedBefore, owners, compactedAfter, sessions,
                    (compactedAfter - compactedBefore) * 10_000.0 / opened / MIB);
            progress.println("engine H2: " + note);
        }
        deleteTree(dir);
        return new Series("engine, " + kind.label(), points, -1, note);
    }

    /** Compacts the engine's H2 file (closed) with SHUTDOWN COMPACT and returns its size. */
    private static long compactedSize(Path dir, Path h2) throws Exception {
        String url = "jdbc:h2:file:" + dir.toAbsolutePath().normalize().resolve(APP_ID).resolve("store");
        try (Connection c = DriverManager.getConnection(url, "", ""); Statement st = c.createStatement()) {
            st.execute("SHUTDOWN COMPACT");
        }
        return Files.size(h2);
    }

    private static AuthService engine(StoreKind kind, Path dir) {
        Latchkey.Builder<AuthService> b = Latchkey.service(APP_ID).dataDirectory(dir).provider(new BenchIdp())
                .config("{\"providers\": {\"" + BenchIdp.TYPE + "\": {\"enabled\": true}}}");
        if (kind == StoreKind.MEMORY) {
            b.store(new InMemoryStore());
        }
        return b.build();
    }

    /**
     * Waits until the app's writer has put the newest state on disk (the file holds {@code users} users and
     * its size has not changed for 300 ms), and returns the file's size.
     */
    private static long settledSize(Path cache, int users) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        long last = -2;
        while (System.nanoTime() < deadline) {
            long size = Files.exists(cache) ? Files.size(cache) : -1;
            if (size == last && size > 0 && usersIn(cache) == users) {
                return size;
            }
            last = size;
            Thread.sleep(300);
        }
        throw new IllegalStateException("the session cache did not settle on " + users + " users within 120 s");
    }

    private static int usersIn(Path cache) {
        try {
            JsonElement root = JsonParser.parseString(Files.readString(cache, StandardCharsets.UTF_8));
            return root.getAsJsonObject().getAsJsonArray("users").size();
        } catch (IOException | RuntimeException e) {
            // Read between a rename and the next: try again.
            return -1;
        }
    }

    /**
     * How many users a new app restores from the cache as it stands: the file is copied to a directory of its
     * own (owner-only, as the cache demands), so the running app's cache is not touched.
     */
    private int restoredFromCopy(AuthService e, Path cache, int step) throws IOException {
        Path copy = work.resolve("restore-" + step);
        Path appDir = copy.resolve(APP_ID);
        Files.createDirectories(appDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwx------"));
        Files.copy(cache, appDir.resolve(cache.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        try (AuthApp restored = Latchkey.client(e, Clock.systemUTC(), copy)) {
            return restored.allUsers().size();
        } finally {
            deleteTree(copy);
        }
    }

    /** Full GCs until the heap in use stops moving (at most 8), then the heap in use, in bytes. */
    static long heapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long previous = Long.MAX_VALUE;
        long used = 0;
        for (int i = 0; i < 8; i++) {
            System.gc();
            Thread.sleep(150);
            used = memory.getHeapMemoryUsage().getUsed();
            if (i >= 2 && Math.abs(previous - used) < 64 * 1024) {
                break;
            }
            previous = used;
        }
        return used;
    }

    // --- the report ---

    /** Least-squares slope of heap (or file bytes) against x, in bytes per unit of x. */
    static double slope(List<Point> points, boolean file) {
        int n = points.size();
        double mx = points.stream().mapToDouble(Point::x).average().orElse(0);
        double my = points.stream().mapToDouble(p -> file ? p.file() : p.heap()).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        for (Point p : points) {
            double dx = p.x() - mx;
            sxy += dx * ((file ? p.file() : p.heap()) - my);
            sxx += dx * dx;
        }
        return n < 2 || sxx == 0 ? Double.NaN : sxy / sxx;
    }

    /** Per-step increments, bytes per unit of x, sorted. */
    static double[] increments(List<Point> points, boolean file) {
        double[] d = new double[points.size() - 1];
        for (int i = 1; i < points.size(); i++) {
            Point a = points.get(i - 1);
            Point b = points.get(i);
            d[i - 1] = ((file ? b.file() : b.heap()) - (file ? a.file() : a.heap())) / (double) (b.x() - a.x());
        }
        java.util.Arrays.sort(d);
        return d;
    }

    private static String spread(double[] d, double scale, String format) {
        if (d.length == 0) {
            return "-";
        }
        double median = d.length % 2 == 1 ? d[d.length / 2] : (d[d.length / 2 - 1] + d[d.length / 2]) / 2;
        return String.format(Locale.ROOT, format + " (" + format + " to " + format + ")", median * scale, d[0] * scale,
                d[d.length - 1] * scale);
    }

    private String report(MemoryOptions o, Instant started, List<Series> client, List<Series> engine, String httpNote) {
        StringBuilder md = new StringBuilder();
        md.append("# Memory per cached user and per session (issue #10)\n\n");
        md.append(String.format("%s UTC, %s mode, %.0f s. JVM %s %s, heap max %,d MiB, GC %s. Client steps: %d x %,d users"
                        + " (over HTTP %,d); engine steps: %d x %,d sessions.%n%n",
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC).format(started), o.quick() ? "**quick**" : "full",
                Duration.between(started, Instant.now()).toMillis() / 1e3, System.getProperty("java.vm.name"),
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() / MIB,
                String.join("+", ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName()).toList()),
                o.clientSteps(), o.clientStep(), o.httpStep(), o.sessionSteps(), o.sessionStep()));
        if (!client.isEmpty()) {
            md.append("## Client: heap per cached user\n\n");
            md.append("Slope of heap-after-GC against cached users (least squares over the steps); per step: median (min to max) of\n"
                    + "the step's increment per user. In process the heap also holds the engine's new user and session, so\n"
                    + "\"app alone\" is the heap freed by closing and dropping the app at the end, divided by its users.\n\n");
            md.append("| client | users | heap per user, slope | per step | app alone at the end | app alone per user |\n");
            md.append("|---|---:|---:|---:|---:|---:|\n");
            for (Series s : client) {
                int users = s.points().get(s.points().size() - 1).x();
                md.append(String.format(Locale.ROOT, "| %s | %,d | %,.0f B | %s | %,.1f MiB | %,.0f B |%n", s.name(), users,
                        slope(s.points(), false), spread(increments(s.points(), false), 1, "%,.0f B"),
                        s.retainedAtEnd() / (double) MIB, users == 0 ? Double.NaN : s.retainedAtEnd() / (double) users));
            }
            if (httpNote != null) {
                md.append("\nOver HTTP: ").append(httpNote).append(".\n");
            }
            for (Series s : client) {
                if (s.points().get(0).file() < 0) {
                    continue;
                }
                md.append("\n## Client: session cache on disk\n\n");
                md.append(String.format(Locale.ROOT, "`session-cache.json` (pretty-printed JSON, the whole state rewritten on every"
                        + " change): %,.0f bytes per user (slope; per step %s). The cache file may hold %,d bytes: the writer keeps"
                        + " the last good file rather than write a larger one, so the cache holds at most about **%,d users**.%n%n",
                        slope(s.points(), true), spread(increments(s.points(), true), 1, "%,.0f"), CACHE_READ_LIMIT,
                        (long) (CACHE_READ_LIMIT / slope(s.points(), true))));
                md.append("| users | file bytes | users a new app restores from it |\n|---:|---:|---:|\n");
                for (Point p : s.points()) {
                    md.append(String.format(Locale.ROOT, "| %,d | %,d | %,d%s |%n", p.x(), p.file(), p.restored(),
                            p.restored() != p.x() ? " **(lost)**" : ""));
                }
            }
        }
        if (!engine.isEmpty()) {
            md.append("\n## Engine: heap and H2 file per 10,000 live sessions\n\n");
            md.append("Sessions opened by log-ins of 100 existing users (a session each, no new user), in process.\n\n");
            md.append("| store | sessions | heap per 10k, slope | per step | H2 file per 10k, slope | per step |\n");
            md.append("|---|---:|---:|---:|---:|---:|\n");
            for (Series s : engine) {
                boolean file = s.points().get(0).file() >= 0;
                md.append(String.format(Locale.ROOT, "| %s | %,d | %,.2f MiB | %s | %s | %s |%n", s.name(), s.points().get(s.points().size() - 1).x(),
                        slope(s.points(), false) * 10_000 / MIB, spread(increments(s.points(), false), 10_000.0 / MIB, "%,.2f"),
                        file ? String.format(Locale.ROOT, "%,.2f MiB", slope(s.points(), true) * 10_000 / MIB) : "-",
                        file ? spread(increments(s.points(), true), 10_000.0 / MIB, "%,.2f") : "-"));
            }
            for (Series s : engine) {
                if (s.note() != null) {
                    md.append("\n").append(s.name()).append(": ").append(s.note()).append(".\n");
                }
            }
        }
        md.append("\n## Raw steps\n\n| series | x | heap after GC, bytes | file bytes |\n|---|---:|---:|---:|\n");
        for (Series s : Stream.concat(client.stream(), engine.stream()).toList()) {
            for (Point p : s.points()) {
                md.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %s |%n", s.name(), p.x(), p.heap(),
                        p.file() < 0 ? "-" : String.format(Locale.ROOT, "%,d", p.file())));
            }
        }
        return md.toString();
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
