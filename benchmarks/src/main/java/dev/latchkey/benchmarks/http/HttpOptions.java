package dev.latchkey.benchmarks.http;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** The HTTP harness's command line; {@code --quick} sets a two-minute run, later options override it. */
record HttpOptions(List<String> scenarios, List<Integer> concurrency, int reps, Duration warmup, Duration measure,
                   int users, int sessions, int apiKeys, int memorySessions, int memorySteps, Duration requestTimeout,
                   Duration deadline, Path serverJar, List<String> serverJvmOptions, boolean accessLog, int[] argon2,
                   Path output) {

    static final List<String> ALL_SCENARIOS = List.of("anon-login", "userpass-login", "apikey-login", "refresh", "profile");

    static final String USAGE = """
            Usage: benchmarks/run-http.sh [options]
              --quick              about 2 minutes: 1 rep, 3 s warm-up, 10 s measured, one memory step
              --scenarios LIST     anon-login,userpass-login,apikey-login,refresh,profile (default: all), or none
              --concurrency LIST   client threads, each with its own keep-alive connection (default: 4)
              --reps N             repetitions of every scenario, interleaved (default: 3)
              --warmup SECONDS     unmeasured warm-up before every measured window (default: 5)
              --duration SECONDS   measured window (default: 20)
              --users N            email/password users registered before measuring (default: 50)
              --sessions N         anonymous sessions opened before measuring, for refresh and profile (default: 1000)
              --api-keys N         API keys created before measuring (default: 50)
              --memory-sessions N  sessions opened per memory step (default: 10000; 0 skips the memory measurement)
              --memory-steps N     memory steps (default: 2)
              --timeout SECONDS    the most one request may take (default: 10)
              --deadline SECONDS   the whole run's limit; past it the server is killed and the harness exits 3
                                   (default: the planned time plus 10 minutes)
              --server-jar PATH    (default: ../auth-server/target/auth-server.jar)
              --server-jvm-opts S  the server's JVM flags, space-separated (default: "-Xmx1g")
              --access-log B       the server's access log on (written to a file in the run's temp directory) as
                                   shipped, or off (default: true)
              --argon2 M,T,P       local-userpass passwordHashing: memory KiB, iterations, lanes (default: the server's)
              --out PATH           the Markdown report, also printed on standard output
            """;

    static HttpOptions parse(String[] args) {
        List<String> scenarios = ALL_SCENARIOS;
        List<Integer> concurrency = List.of(4);
        int reps = 3;
        Duration warmup = Duration.ofSeconds(5);
        Duration measure = Duration.ofSeconds(20);
        int users = 50;
        int sessions = 1_000;
        int apiKeys = 50;
        int memorySessions = 10_000;
        int memorySteps = 2;
        Duration timeout = Duration.ofSeconds(10);
        Duration deadline = null;
        Path serverJar = Path.of("..", "auth-server", "target", "auth-server.jar");
        List<String> jvm = List.of("-Xmx1g");
        boolean accessLog = true;
        int[] argon2 = null;
        Path output = Path.of("target", "http-results.md");
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("--help") || name.equals("-h")) {
                throw new IllegalArgumentException("");
            }
            if (name.equals("--quick")) {
                reps = 1;
                warmup = Duration.ofSeconds(3);
                measure = Duration.ofSeconds(10);
                memorySteps = 1;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            String value = args[++i];
            switch (name) {
                case "--scenarios" -> scenarios = value.equals("none") ? List.of() : scenarios(value);
                case "--concurrency" -> concurrency = Arrays.stream(value.split(",")).map(v -> positive(name, v)).toList();
                case "--reps" -> reps = positive(name, value);
                case "--warmup" -> warmup = seconds(name, value, true);
                case "--duration" -> measure = seconds(name, value, false);
                case "--users" -> users = positive(name, value);
                case "--sessions" -> sessions = positive(name, value);
                case "--api-keys" -> apiKeys = positive(name, value);
                case "--memory-sessions" -> memorySessions = Math.max(0, Integer.parseInt(value));
                case "--memory-steps" -> memorySteps = positive(name, value);
                case "--timeout" -> timeout = seconds(name, value, false);
                case "--deadline" -> deadline = seconds(name, value, false);
                case "--server-jar" -> serverJar = Path.of(value);
                case "--server-jvm-opts" -> jvm = value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
                case "--access-log" -> accessLog = Boolean.parseBoolean(value);
                case "--argon2" -> argon2 = Arrays.stream(value.split(",")).mapToInt(v -> positive(name, v)).toArray();
                case "--out" -> output = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        if (argon2 != null && argon2.length != 3) {
            throw new IllegalArgumentException("--argon2 takes memoryKib,iterations,parallelism");
        }
        if (deadline == null) {
            long planned = (long) reps * scenarios.size() * concurrency.size() * (warmup.toSeconds() + measure.toSeconds() + 2);
            deadline = Duration.ofSeconds(planned + 600);
        }
        return new HttpOptions(scenarios, concurrency, reps, warmup, measure, users, sessions, apiKeys, memorySessions,
                memorySteps, timeout, deadline, serverJar, jvm, accessLog, argon2, output);
    }

    private static List<String> scenarios(String value) {
        List<String> list = Arrays.stream(value.split(",")).map(String::trim).toList();
        for (String s : list) {
            if (!ALL_SCENARIOS.contains(s)) {
                throw new IllegalArgumentException("unknown scenario " + s + "; expected some of " + ALL_SCENARIOS);
            }
        }
        return list;
    }

    private static int positive(String name, String value) {
        int n = Integer.parseInt(value.trim());
        if (n < 1) {
            throw new IllegalArgumentException(name + " must be at least 1");
        }
        return n;
    }

    private static Duration seconds(String name, String value, boolean zeroAllowed) {
        double s = Double.parseDouble(value);
        if (s < 0 || (!zeroAllowed && s == 0)) {
            throw new IllegalArgumentException(name + " must be " + (zeroAllowed ? "0 or more" : "more than 0") + " seconds");
        }
        return Duration.ofMillis(Math.round(s * 1000));
    }
}
