package dev.latchkey.benchmarks;

import com.google.gson.JsonParser;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.store.InMemoryStore;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.RunnerException;

/**
 * Runs {@link CryptoFloor} (every operation, one JMH run) and writes a Markdown table: each
 * operation's throughput as the median over the forks (min–max), and the ratios of issue #10 with
 * fork k of one operation divided by fork k of the other (median, min–max over the pairs).
 *
 * <pre>
 *   --quick          2 forks × (3 warm-up + 3 measured iterations of 1 s)
 *   (default)        5 forks × (5 warm-up + 5 measured iterations of 2 s)
 *   --forks N --warmup N --measure N --seconds N   override
 * </pre>
 */
public final class FloorRun {
    private record Settings(int forks, int warmup, int measure, int seconds) {
    }

    private FloorRun() {
    }

    /**
     * @param args the options above
     * @throws Exception when JMH or the report fails
     */
    public static void main(String[] args) throws Exception {
        Settings s = parse(args);
        String bits = engineModulusBits();
        String started = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
        Collection<RunResult> results = run(s);
        Map<String, double[]> perFork = new HashMap<>();
        for (RunResult r : results) {
            String label = r.getParams().getBenchmark();
            String name = label.substring(label.lastIndexOf('.') + 1);
            List<Double> scores = new ArrayList<>();
            for (BenchmarkResult b : r.getBenchmarkResults()) {
                scores.add(b.getPrimaryResult().getScore());
            }
            perFork.put(name, scores.stream().mapToDouble(Double::doubleValue).toArray());
        }
        String report = report(s, bits, started, perFork);
        MarkdownReport.publish(report, "floor-" + started);
    }

    private static Settings parse(String[] args) {
        int forks = 5;
        int warmup = 5;
        int measure = 5;
        int seconds = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> {
                    forks = 2;
                    warmup = 3;
                    measure = 3;
                    seconds = 1;
                }
                case "--forks" -> forks = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--measure" -> measure = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--quick, --forks N, --warmup N, --measure N, --seconds N)");
            }
        }
        return new Settings(forks, warmup, measure, seconds);
    }

    /** The engine's signing key size, from a throwaway engine with the same defaults as CryptoFloor's. */
    private static String engineModulusBits() throws GeneralSecurityException {
        Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        try (AuthService service = Latchkey.service("floor").store(new InMemoryStore())
                .config("{\"providers\":{\"anon-user\":{\"enabled\":true}}}").build()) {
            String token = service.logIn(Credentials.anonymous(false)).accessToken();
            String kid = JsonParser.parseString(new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
                    StandardCharsets.UTF_8)).getAsJsonObject().get("kid").getAsString();
            return Integer.toString(CryptoFloor.publicKey(service.jwks(), kid).getModulus().bitLength());
        }
    }

    private static Collection<RunResult> run(Settings s) throws RunnerException {
        return JmhRuns.run(CryptoFloor.class, s.forks(), s.warmup(), s.measure(), s.seconds());
    }

    private static final String[][] OPERATIONS = {
        {"verify", "`AuthService.verify(accessToken)`, fresh check (cache off)"},
        {"verifyRemembered", "`AuthService.verify(accessToken)` of a token verified before (cache hit)"},
        {"rawRs256Verify", "raw RS256 check of the same token (JCA `SHA256withRSA`)"},
        {"refresh", "`AuthService.refresh(refreshToken)` (signs one access token)"},
        {"rawRs256Sign", "raw RS256 signature, same-length signing input, same key size"},
        {"passwordLogIn", "email/password log-in (`local-userpass`, right password)"},
        {"argon2idHashAlone", "Argon2id alone (m=19456 KiB, t=2, p=1; " + ("native".equals(Argon2Baseline.IMPLEMENTATION)
                ? "libargon2" : "Bouncy Castle") + ", as the provider here)"},
        {"apiKeyLogIn", "API-key log-in"},
        {"anonymousLogIn", "anonymous log-in (new user each time)"},
    };

    /** Ratio label, numerator, denominator, how it reads (target). */
    private static final String[][] RATIOS = {
        {"verify ÷ raw RS256 check (throughput)", "verify", "rawRs256Verify", "≥ 0.9", "min"},
        {"remembered verify ÷ fresh verify (throughput)", "verifyRemembered", "verify", "≥ 20", "min20"},
        {"refresh ÷ RS256 signing bound (throughput)", "refresh", "rawRs256Sign", "≥ 0.75 (over HTTP, per server CPU-s; here in-process)", ""},
        {"API-key log-in ÷ RS256 signing bound (throughput)", "apiKeyLogIn", "rawRs256Sign", "≥ 0.75 (over HTTP, per server CPU-s; here in-process)", ""},
        {"anonymous log-in ÷ RS256 signing bound (throughput)", "anonymousLogIn", "rawRs256Sign", "none", ""},
        {"password log-in time ÷ Argon2id time (= hash ops/s ÷ log-in ops/s)", "argon2idHashAlone", "passwordLogIn", "≤ 1.05", "max"},
    };

    private static String report(Settings s, String bits, String started, Map<String, double[]> perFork) {
        StringBuilder b = new StringBuilder();
        b.append("## CryptoFloor, ").append(started).append("\n\n");
        b.append(String.format(Locale.ROOT, "JMH throughput, 1 thread, %d forks × (%d warm-up + %d measured iterations of %d s), "
                + "in-memory engine, RS256 key of %s bits; JVM %s %s.%n%n", s.forks(), s.warmup(), s.measure(), s.seconds(), bits,
                System.getProperty("java.vm.name"), System.getProperty("java.vm.version")));
        b.append("| operation | ops/s, median over forks (min–max) | forks |\n|---|---:|---:|\n");
        for (String[] op : OPERATIONS) {
            double[] v = perFork.get(op[0]);
            if (v == null) {
                b.append("| ").append(op[1]).append(" | (not run) | 0 |\n");
                continue;
            }
            b.append("| ").append(op[1]).append(" | ").append(format(median(v))).append(" (").append(format(min(v)))
                    .append("–").append(format(max(v))).append(") | ").append(v.length).append(" |\n");
        }
        b.append("\nRatios: fork k ÷ fork k (the same fork index of the same JMH run), median (min–max) over the pairs.\n\n");
        b.append("| ratio | value | target (issue #10) | met |\n|---|---:|---|---|\n");
        for (String[] r : RATIOS) {
            double[] num = perFork.get(r[1]);
            double[] den = perFork.get(r[2]);
            if (num == null || den == null) {
                continue;
            }
            int n = Math.min(num.length, den.length);
            double[] ratios = new double[n];
            for (int i = 0; i < n; i++) {
                ratios[i] = num[i] / den[i];
            }
            double m = median(ratios);
            String met = switch (r[4]) {
                case "min" -> m >= 0.9 ? "yes" : "**no**";
                case "min20" -> m >= 20 ? "yes" : "**no**";
                case "max" -> m <= 1.05 ? "yes" : "**no**";
                default -> "see README";
            };
            b.append("| ").append(r[0]).append(" | ").append(String.format(Locale.ROOT, "%.3f (%.3f–%.3f)", m, min(ratios), max(ratios)))
                    .append(" | ").append(r[3]).append(" | ").append(met).append(" |\n");
        }
        return b.toString();
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%,.0f" : "%,.2f", v);
    }

    private static double median(double[] v) {
        return Quartiles.median(v);
    }

    private static double min(double[] v) {
        return java.util.Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double max(double[] v) {
        return java.util.Arrays.stream(v).max().orElse(Double.NaN);
    }
}
