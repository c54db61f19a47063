package dev.latchkey.benchmarks.http;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Issue #10's Keycloak side by side: Keycloak (from Maven Central, {@code start-dev}: dev mode, embedded H2)
 * and auth-server, both started by this harness on 127.0.0.1 and both running for the whole run, driven by
 * the same {@link LoadGenerator} in interleaved windows: password log-in against the password grant,
 * refresh against the refresh-token grant, API-key log-in against the client-credentials grant, at the
 * same Argon2id cost on both sides (read back from Keycloak's stored credential). Beside them, in this JVM,
 * the RS256 signing bound. Reports requests/s, latency, errors, each server's CPU (its own process tree),
 * requests per server CPU-second, resident memory, start-up time and the ratios of the targets.
 * A benchmark, not a test: {@code benchmarks/run-keycloak.sh}.
 */
public final class KeycloakSideBySide {
    static final String ADMIN_USER = "bench-admin";
    /** Keycloak prints this before the Quarkus build step ("augmentation") of a first start. */
    static final String BUILD_STEP_LINE = "Updating the configuration and installing your custom providers";
    private static final Duration AUTH_START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration KEYCLOAK_START_TIMEOUT = Duration.ofSeconds(420);
    private static final String KEYCLOAK_PROBE = "/realms/master/.well-known/openid-configuration";

    /** An auth-server scenario and the Keycloak grant it is compared with. */
    record Pair(String label, String latchkey, String keycloak) {
    }

    static final List<Pair> PAIRS = List.of(
            new Pair("password", "userpass-login", "password grant"),
            new Pair("refresh", "refresh", "refresh-token grant"),
            new Pair("machine log-in", "apikey-login", "client-credentials grant"));

    /** What the run started, for the shutdown hook (Ctrl-C, deadline) as much as for the normal end. */
    private volatile ServerProcess authServer;
    private volatile ServerProcess keycloak;
    private volatile Path work;
    private volatile Path keycloakData;

    private KeycloakSideBySide() {
    }

    public static void main(String[] args) throws Exception {
        KeycloakOptions options = Cli.optionsOrExit(() -> KeycloakOptions.parse(args), KeycloakOptions.USAGE);
        Cli.requireServerJar(options.serverJar());
        Watchdog.start(options.deadline());
        KeycloakSideBySide run = new KeycloakSideBySide();
        Thread hook = new Thread(run::cleanUp, "clean-up-on-exit");
        Runtime.getRuntime().addShutdownHook(hook);
        int status;
        try {
            status = run.run(options, System.out, System.err);
        } finally {
            run.cleanUp();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Shutting down already: the hook does the same, and it is idempotent.
            }
        }
        System.exit(status);
    }

    int run(KeycloakOptions o, PrintStream out, PrintStream progress) throws Exception {
        Instant startedAt = Instant.now();
        long t0 = System.nanoTime();
        Path home = KeycloakDistribution.prepare(o.keycloakVersion(), o.cacheDir(), progress);
        try (FileChannel lockFile = FileChannel.open(home.resolve(".benchmark.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = lockFile.tryLock()) {
            if (lock == null) {
                throw new IOException("another run is using " + home + " (its data directory is per distribution)");
            }
            work = Files.createTempDirectory("latchkey-kc-bench-");
            keycloakData = home.resolve("data");
            KeycloakDistribution.deleteTree(keycloakData);
            try {
                return measure(o, home, startedAt, t0, out, progress);
            } catch (Exception e) {
                // The run's files are deleted on the way out: show what the servers said first.
                for (ServerProcess s : new ServerProcess[] {authServer, keycloak}) {
                    if (s != null) {
                        progress.println("--- last lines of " + s.stdout() + ":\n" + ServerProcess.tail(s.stdout(), 20));
                        progress.println("--- last lines of " + s.stderr() + ":\n" + ServerProcess.tail(s.stderr(), 20));
                    }
                }
                throw e;
            }
        }
    }

    private int measure(KeycloakOptions o, Path home, Instant startedAt, long t0, PrintStream out, PrintStream progress)
            throws Exception {
        String heap = "-Xmx" + o.heap();
        List<String> authCommand = AuthServerCommand.write(Files.createDirectories(work.resolve("auth")), o.serverJar(),
                List.of(heap), false, o.argon2());
        progress.println("starting auth-server: " + String.join(" ", authCommand));
        authServer = ServerProcess.start(authCommand, Map.of(),
                ServerProcess.Readiness.line(AuthServerCommand.READY).thenProbe(AuthServerCommand.PROBE_PATH),
                work.resolve("auth"), AUTH_START_TIMEOUT);
        progress.printf("auth-server pid %d at %s, ready after %.2f s%n", authServer.pid(), authServer.url(),
                authServer.startUp().toMillis() / 1e3);

        String adminPassword = randomHex(24);
        int port = freePort();
        List<String> kcCommand = new ArrayList<>(List.of(home.resolve("bin").resolve("kc.sh").toString(), "start-dev",
                "--http-host=127.0.0.1", "--http-port=" + port, "--db-url-path=" + work.resolve("keycloak-db")));
        kcCommand.addAll(KeycloakFixture.argon2Options(o.argon2()));
        Map<String, String> kcEnvironment = Map.of("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER,
                "KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword,
                "JAVA_HOME", System.getProperty("java.home"),
                "JAVA_OPTS_KC_HEAP", heap);
        progress.println("starting Keycloak: " + String.join(" ", kcCommand));
        Duration buildStart = null;
        keycloak = startKeycloak(kcCommand, kcEnvironment, port, "keycloak-1");
        if (keycloak.stdoutContains(BUILD_STEP_LINE)) {
            // A first start of a freshly unpacked distribution builds (Quarkus augmentation) before starting; every
            // later start skips it. Measure one of those: stop, forget the database, start again.
            buildStart = keycloak.startUp();
            progress.printf("Keycloak's first start ran its build step: %.1f s; starting it again to measure a start without it%n",
                    buildStart.toMillis() / 1e3);
            keycloak.close();
            KeycloakDistribution.deleteTree(work.resolve("keycloak-db"));
            KeycloakDistribution.deleteTree(keycloakData);
            keycloak = startKeycloak(kcCommand, kcEnvironment, port, "keycloak-2");
            if (keycloak.stdoutContains(BUILD_STEP_LINE)) {
                progress.println("Keycloak ran its build step again: its start-up time includes it");
            }
        }
        progress.printf("Keycloak pid %d at %s, ready after %.2f s%n", keycloak.pid(), keycloak.url(),
                keycloak.startUp().toMillis() / 1e3);
        boolean keycloakBuiltAgain = keycloak.stdoutContains(BUILD_STEP_LINE);
        long authRssStart = authServer.rssKib();
        long kcRssStart = keycloak.rssKib();

        long s0 = System.nanoTime();
        LatchkeyFixture latchkey = new LatchkeyFixture(authServer.url(), o.requestTimeout(), Math.max(2, o.concurrency()));
        latchkey.registerUsers(o.users());
        latchkey.openPasswordSessions(o.sessions());
        latchkey.createApiKeys(o.clients());
        double latchkeySetup = (System.nanoTime() - s0) / 1e9;
        progress.printf("auth-server fixture: %d users, %d sessions, %d API keys in %.1f s%n", latchkey.users(),
                latchkey.sessions(), latchkey.apiKeys(), latchkeySetup);
        s0 = System.nanoTime();
        KeycloakFixture kc = new KeycloakFixture(keycloak.url(), ADMIN_USER, adminPassword, o.requestTimeout());
        kc.createRealm(o.argon2());
        kc.createClients(o.clients());
        kc.createUsers(o.users(), o.argon2());
        kc.openSessions(o.sessions());
        kc.checkGrants();
        double kcSetup = (System.nanoTime() - s0) / 1e9;
        progress.printf("Keycloak fixture: realm, %d clients, %d users (hash read back: %s), %d sessions in %.1f s%n",
                kc.clients(), kc.users(), kc.verifiedHash(), kc.sessions(), kcSetup);

        SigningBound bound = new SigningBound();
        bound.warmUp(Duration.ofSeconds(2));
        LoadGenerator onLatchkey = new LoadGenerator(o.requestTimeout(), authServer::cpuSeconds, keycloak::cpuSeconds);
        LoadGenerator onKeycloak = new LoadGenerator(o.requestTimeout(), keycloak::cpuSeconds, authServer::cpuSeconds);
        List<KeycloakReport.Window> windows = new ArrayList<>();
        List<List<Double>> boundByRep = new ArrayList<>();
        for (int rep = 1; rep <= o.reps(); rep++) {
            List<Double> signs = bound.measure(o.signWindows(), o.signWindow());
            boundByRep.add(signs);
            progress.printf("rep %d/%d  RS256 signing bound  %s signatures per CPU-second%n", rep, o.reps(),
                    signs.stream().map(v -> String.format(java.util.Locale.ROOT, "%,.0f", v)).toList());
            for (Pair pair : PAIRS) {
                // Alternate which server goes first, so that a drift in the machine's load does not favour one side.
                boolean latchkeyFirst = rep % 2 == 1;
                for (int k = 0; k < 2; k++) {
                    boolean onL = (k == 0) == latchkeyFirst;
                    Scenario scenario = onL ? latchkey.scenario(pair.latchkey()) : kc.scenario(pair.keycloak());
                    LoadResult r = (onL ? onLatchkey : onKeycloak).run(scenario, o.concurrency(), o.warmup(), o.measure());
                    windows.add(new KeycloakReport.Window(rep, onL ? "auth-server" : "Keycloak", pair, r));
                    progress.printf("rep %d/%d  %-11s %-24s %,8.0f req/s  %,7.0f req/server-CPU-s  p50 %.2f ms  p99 %.2f ms"
                                    + "  errors %d  idle server %.2f cores%n", rep, o.reps(), onL ? "auth-server" : "Keycloak",
                            r.scenario(), r.requestsPerSecond(), r.requestsPerServerCpuSecond(),
                            r.latency().getValueAtPercentile(50) / 1e3, r.latency().getValueAtPercentile(99) / 1e3,
                            r.errorCount(), r.idleServerCpuSeconds() / r.seconds());
                    if (r.firstError() != null && r.errorCount() > 0) {
                        progress.println("  first error: " + r.firstError());
                    }
                    if (!authServer.alive() || !keycloak.alive()) {
                        throw new IOException((authServer.alive() ? "Keycloak" : "auth-server") + " exited during "
                                + r.scenario() + "; its log is in " + work);
                    }
                }
            }
        }
        long authRssEnd = authServer.rssKib();
        long kcRssEnd = keycloak.rssKib();

        KeycloakReport report = new KeycloakReport(o, startedAt, authCommand, kcCommand, kcEnvironment.keySet(),
                new KeycloakReport.Server(authServer.startUp(), authRssStart, authRssEnd, latchkeySetup),
                new KeycloakReport.Server(keycloak.startUp(), kcRssStart, kcRssEnd, kcSetup), buildStart, keycloakBuiltAgain,
                latchkey, kc, bound.inputBytes(), boundByRep, windows);
        String md = report.markdown((System.nanoTime() - t0) / 1e9);
        out.print(md);
        Files.createDirectories(o.output().toAbsolutePath().getParent());
        Files.writeString(o.output(), md, StandardCharsets.UTF_8);
        progress.println("report written to " + o.output());
        return 0;
    }

    private ServerProcess startKeycloak(List<String> command, Map<String, String> environment, int port, String logs)
            throws IOException, InterruptedException {
        String url = "http://127.0.0.1:" + port;
        return ServerProcess.start(command, environment, ServerProcess.Readiness.probe(url, KEYCLOAK_PROBE),
                work.resolve(logs), KEYCLOAK_START_TIMEOUT);
    }

    /**
     * Stops both servers (Keycloak's whole process tree) and deletes the run's files: the temporary directory
     * (both servers' data and logs) and Keycloak's own {@code data/} in the cached distribution. Runs at the
     * normal end, on an exception, and from the shutdown hook (Ctrl-C, the deadline); a second call finds
     * nothing left to do.
     */
    private synchronized void cleanUp() {
        ServerProcess k = keycloak;
        ServerProcess a = authServer;
        keycloak = null;
        authServer = null;
        if (k != null) {
            k.close();
        }
        if (a != null) {
            a.close();
        }
        Path w = work;
        Path d = keycloakData;
        work = null;
        keycloakData = null;
        for (Path dir : new Path[] {w, d}) {
            if (dir != null) {
                delete(dir);
            }
        }
    }

    /**
     * Deletes a directory tree, trying again for a few seconds: a server still starting when the run is
     * interrupted is stopped by its own shutdown hook, which runs at the same time as this one, and may write
     * a file while the tree is walked.
     */
    private static void delete(Path dir) {
        for (int attempt = 1; ; attempt++) {
            try {
                KeycloakDistribution.deleteTree(dir);
                return;
            } catch (IOException | RuntimeException e) {
                if (attempt == 20) {
                    System.err.println("could not delete " + dir + ": " + e);
                    return;
                }
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A port free now on the loopback address; Keycloak cannot be told to pick one and report it. */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
