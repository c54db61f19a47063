package dev.latchkey.benchmarks.http;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/** The Keycloak side-by-side run's command line; {@code --quick} sets a run of a few minutes, later options override it. */
record KeycloakOptions(String keycloakVersion, int concurrency, int reps, Duration warmup, Duration measure, int users,
                       int sessions, int clients, Duration requestTimeout, Duration signWindow, int signWindows,
                       Duration deadline, Path serverJar, String heap, int[] argon2, Path cacheDir, Path output) {

    static final String USAGE = """
            Usage: benchmarks/run-keycloak.sh [options]
              --quick               about 2.5 minutes (5 the first time): 1 rep, 3 s warm-up + 10 s measured, fewer
                                    users and sessions
              --keycloak-version V  org.keycloak:keycloak-quarkus-dist version, from Maven Central (default: 26.5.6)
              --concurrency N       client threads, each with its own keep-alive connection (default: 4)
              --reps N              repetitions; each runs every scenario on both servers, interleaved (default: 3)
              --warmup SECONDS      unmeasured warm-up before every measured window (default: 5)
              --duration SECONDS    measured window (default: 20)
              --users N             users with a password on each server (default: 20)
              --sessions N          sessions opened by password log-in before measuring, whose refresh tokens
                                    the refresh scenarios reuse, on each server (default: 200)
              --clients N           auth-server API keys and, as many, Keycloak confidential clients for the
                                    client-credentials grant (default: 10)
              --argon2 M,T,P        Argon2id memory KiB, iterations, lanes on both servers
                                    (default: 7168,5,1, Keycloak 26's own default)
              --heap SIZE           -Xmx of both servers' JVMs (default: 1g)
              --sign-window SECONDS one window of the RS256 signing bound (default: 1)
              --sign-windows N      windows of the signing bound per repetition (default: 5)
              --timeout SECONDS     the most one request may take (default: 10)
              --deadline SECONDS    the whole run's limit; past it both servers are stopped and the harness exits 3
                                    (default: the planned time plus 10 minutes)
              --server-jar PATH     (default: ../auth-server/target/auth-server.jar)
              --cache DIR           where Keycloak's zip and unpacked distribution are kept (default: target/keycloak)
              --out PATH            the Markdown report, also printed on standard output
            """;

    static KeycloakOptions parse(String[] args) {
        String version = "26.5.6";
        int concurrency = 4;
        int reps = 3;
        Duration warmup = Duration.ofSeconds(5);
        Duration measure = Duration.ofSeconds(20);
        int users = 20;
        int sessions = 200;
        int clients = 10;
        Duration timeout = Duration.ofSeconds(10);
        Duration signWindow = Duration.ofSeconds(1);
        int signWindows = 5;
        Duration deadline = null;
        Path serverJar = Path.of("..", "auth-server", "target", "auth-server.jar");
        String heap = "1g";
        int[] argon2 = {7168, 5, 1};
        Path cache = Path.of("target", "keycloak");
        Path output = Path.of("target", "keycloak.md");
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("--help") || name.equals("-h")) {
                throw new IllegalArgumentException("");
            }
            if (name.equals("--quick")) {
                reps = 1;
                warmup = Duration.ofSeconds(3);
                measure = Duration.ofSeconds(10);
                users = 10;
                sessions = 100;
                signWindows = 3;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            String value = args[++i];
            switch (name) {
                case "--keycloak-version" -> {
                    if (!value.matches("[0-9A-Za-z.\\-]+")) {
                        throw new IllegalArgumentException("--keycloak-version: not a version: " + value);
                    }
                    version = value;
                }
                case "--concurrency" -> concurrency = positive(name, value);
                case "--reps" -> reps = positive(name, value);
                case "--warmup" -> warmup = seconds(name, value, true);
                case "--duration" -> measure = seconds(name, value, false);
                case "--users" -> users = positive(name, value);
                case "--sessions" -> sessions = positive(name, value);
                case "--clients" -> clients = positive(name, value);
                case "--argon2" -> argon2 = Arrays.stream(value.split(",")).mapToInt(v -> positive(name, v)).toArray();
                case "--heap" -> {
                    if (!value.matches("[0-9]+[kKmMgG]?")) {
                        throw new IllegalArgumentException("--heap: expected a size such as 1g or 512m");
                    }
                    heap = value;
                }
                case "--sign-window" -> signWindow = seconds(name, value, false);
                case "--sign-windows" -> signWindows = positive(name, value);
                case "--timeout" -> timeout = seconds(name, value, false);
                case "--deadline" -> deadline = seconds(name, value, false);
                case "--server-jar" -> serverJar = Path.of(value);
                case "--cache" -> cache = Path.of(value);
                case "--out" -> output = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        if (argon2.length != 3) {
            throw new IllegalArgumentException("--argon2 takes memoryKib,iterations,parallelism");
        }
        if (deadline == null) {
            // 6 windows a rep, plus the signing bound; Keycloak's download, unpacking, first build and start are
            // in the 10 minutes added.
            long planned = reps * (6 * (warmup.toSeconds() + measure.toSeconds() + 3) + (long) signWindows * signWindow.toSeconds() + 2);
            deadline = Duration.ofSeconds(planned + 600);
        }
        return new KeycloakOptions(version, concurrency, reps, warmup, measure, users, sessions, clients, timeout, signWindow,
                signWindows, deadline, serverJar, heap, argon2, cache, output);
    }

    private static int positive(String name, String value) {
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": not a number: " + value);
        }
        if (n < 1) {
            throw new IllegalArgumentException(name + " must be at least 1");
        }
        return n;
    }

    private static Duration seconds(String name, String value, boolean zeroAllowed) {
        double s;
        try {
            s = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": not a number of seconds: " + value);
        }
        if (s < 0 || (!zeroAllowed && s == 0)) {
            throw new IllegalArgumentException(name + " must be " + (zeroAllowed ? "0 or more" : "more than 0") + " seconds");
        }
        return Duration.ofMillis(Math.round(s * 1000));
    }
}
