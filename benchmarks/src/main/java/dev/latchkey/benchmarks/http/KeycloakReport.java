package dev.latchkey.benchmarks.http;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;

/** The Keycloak side-by-side Markdown report: medians over the repetitions with their min–max range, then every window. */
final class KeycloakReport {
    /** One measured window: which repetition, which server, which pair of scenarios, what it measured. */
    record Window(int rep, String server, KeycloakSideBySide.Pair pair, LoadResult result) {
    }

    /** One server's start-up (process start to its first 2xx readiness answer), resident memory and fixture time. */
    record Server(Duration startUp, long rssAfterStartKib, long rssAfterLoadKib, double setupSeconds) {
    }

    private final KeycloakOptions o;
    private final Instant startedAt;
    private final List<String> authCommand;
    private final List<String> kcCommand;
    private final Collection<String> kcEnvironment;
    private final Server auth;
    private final Server kc;
    private final Duration kcBuildStart;
    private final boolean kcBuiltAgain;
    private final LatchkeyFixture latchkey;
    private final KeycloakFixture keycloak;
    private final int signInputBytes;
    private final List<List<Double>> boundByRep;
    private final List<Window> windows;

    KeycloakReport(KeycloakOptions o, Instant startedAt, List<String> authCommand, List<String> kcCommand,
                   Collection<String> kcEnvironment, Server auth, Server kc, Duration kcBuildStart, boolean kcBuiltAgain,
                   LatchkeyFixture latchkey, KeycloakFixture keycloak, int signInputBytes, List<List<Double>> boundByRep,
                   List<Window> windows) {
        this.o = o;
        this.startedAt = startedAt;
        this.authCommand = authCommand;
        this.kcCommand = kcCommand;
        this.kcEnvironment = kcEnvironment;
        this.auth = auth;
        this.kc = kc;
        this.kcBuildStart = kcBuildStart;
        this.kcBuiltAgain = kcBuiltAgain;
        this.latchkey = latchkey;
        this.keycloak = keycloak;
        this.signInputBytes = signInputBytes;
        this.boundByRep = boundByRep;
        this.windows = windows;
    }

    String markdown(double runSeconds) {
        StringBuilder md = new StringBuilder();
        md.append("# auth-server and Keycloak ").append(o.keycloakVersion()).append(" side by side, ").append(startedAt)
                .append("\n\n| | |\n|---|---|\n");
        row(md, "machine", MachineInfo.describe());
        row(md, "JDK (both servers and the load generator)", System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version"));
        row(md, "run", fmt("%.0f s in all", runSeconds) + " (download, unpacking, starts, fixtures, measurement)");
        row(md, "auth-server", "`" + temp(String.join(" ", authCommand.subList(1, authCommand.size()))) + "`; embedded H2, "
                + "rate limit and log-in throttle off, access log off");
        row(md, "Keycloak", "`" + temp(String.join(" ", kcCommand)) + "` with " + String.join(", ", kcEnvironment.stream().sorted().toList())
                + " in the environment (the admin password random per run); dev mode, embedded H2 file database");
        row(md, "heap", "`-Xmx" + o.heap() + "` on both (auth-server: its JVM flag; Keycloak: `JAVA_OPTS_KC_HEAP`, "
                + "instead of kc.sh's `-Xms64m -Xmx512m`); G1 on both; Keycloak's kc.sh adds its own flags (metaspace, G1 tuning)");
        int[] a = o.argon2();
        row(md, "password hash", fmt("Argon2id v1.3, m=%d KiB, t=%d, p=%d, 32-byte hash on both. auth-server: local-userpass "
                + "`passwordHashing` in its configuration. Keycloak: realm policy `%s` and the provider options `%s`; "
                + "read back from the stored credential: %s", a[0], a[1], a[2], KeycloakFixture.passwordPolicy(a),
                String.join(" ", KeycloakFixture.argon2Options(a)), keycloak.verifiedHash()));
        row(md, "fixture", fmt("each server: %d users with a password, %d sessions opened by password log-in before "
                        + "measuring (their refresh tokens are what the refresh scenarios reuse), %d API keys (auth-server) / "
                        + "%d confidential clients (Keycloak). Made in %.1f s (auth-server) and %.1f s (Keycloak)",
                latchkey.users(), latchkey.sessions(), latchkey.apiKeys(), keycloak.clients(), auth.setupSeconds(), kc.setupSeconds()));
        row(md, "load", fmt("closed loop, %d client threads (OkHttp, one keep-alive connection each), %.0f s warm-up + "
                        + "%.0f s measured per window, %d rep(s); in each rep every scenario on each server, the pair "
                        + "back to back, the first server alternating between reps; request timeout %d s; an answer "
                        + "counts when its status is the expected one and its JSON holds a non-empty `access_token`",
                o.concurrency(), o.warmup().toMillis() / 1e3, o.measure().toMillis() / 1e3, o.reps(),
                o.requestTimeout().toSeconds()));

        md.append("\n## Start-up and memory\n\n");
        md.append("Start-up: from starting the process to the first 2xx answer of its readiness probe (auth-server: "
                + "`GET " + AuthServerCommand.PROBE_PATH + "`; Keycloak: `GET /realms/master/.well-known/openid-configuration`), "
                + "both on an empty database. RSS: VmRSS summed over the server's process tree (kc.sh and its java).\n\n");
        md.append("| server | start-up, s | RSS after start, MiB | RSS after the load, MiB |\n|---|---:|---:|---:|\n");
        md.append("| auth-server | ").append(fmt("%.2f", auth.startUp().toMillis() / 1e3)).append(" | ")
                .append(mib(auth.rssAfterStartKib())).append(" | ").append(mib(auth.rssAfterLoadKib())).append(" |\n");
        md.append("| Keycloak | ").append(fmt("%.2f", kc.startUp().toMillis() / 1e3)).append(" | ")
                .append(mib(kc.rssAfterStartKib())).append(" | ").append(mib(kc.rssAfterLoadKib())).append(" |\n\n");
        if (kcBuildStart != null) {
            md.append(fmt("Keycloak's first start of this unpacked distribution ran its Quarkus build step and took %.1f s; "
                    + "the time above is of a second start (build done, new empty database), as every later start would be.",
                    kcBuildStart.toMillis() / 1e3));
        } else {
            md.append("Keycloak's build step had run in an earlier run (the unpacked distribution is cached), so this start "
                    + "is one without it, on a new empty database.");
        }
        if (kcBuiltAgain) {
            md.append(" **This start ran the build step again, so its time includes it.**");
        }
        md.append("\n");

        md.append("\n## Throughput, latency, CPU\n\n");
        md.append("Median over the repetitions, (min–max) when there are several. req/CPU-s: successful requests per "
                + "CPU-second the loaded server's process tree used in the window. Cores: average CPU in the window of the "
                + "loaded server / the other, idle server / the load generator / every other process. Latency in ms.\n\n");
        md.append("| scenario | server | req/s | p50 | p99 | errors | server CPU-s | req/server-CPU-s | cores loaded / idle / client / others |\n");
        md.append("|---|---|---:|---:|---:|---|---:|---:|---|\n");
        for (KeycloakSideBySide.Pair pair : KeycloakSideBySide.PAIRS) {
            for (String server : List.of("auth-server", "Keycloak")) {
                List<LoadResult> cell = cell(pair, server);
                if (cell.isEmpty()) {
                    continue;
                }
                md.append("| ").append(cell.get(0).scenario()).append(" | ").append(server)
                        .append(" | ").append(spread(cell, LoadResult::requestsPerSecond, "%,.0f"))
                        .append(" | ").append(spread(cell, r -> r.latency().getValueAtPercentile(50) / 1e3, "%.2f"))
                        .append(" | ").append(spread(cell, r -> r.latency().getValueAtPercentile(99) / 1e3, "%.2f"))
                        .append(" | ").append(errors(cell))
                        .append(" | ").append(spread(cell, LoadResult::serverCpuSeconds, "%.1f"))
                        .append(" | **").append(spread(cell, LoadResult::requestsPerServerCpuSecond, "%,.0f")).append("**")
                        .append(" | ").append(spread(cell, r -> r.serverCpuSeconds() / r.seconds(), "%.2f"))
                        .append(" / ").append(spread(cell, r -> r.idleServerCpuSeconds() / r.seconds(), "%.2f"))
                        .append(" / ").append(spread(cell, r -> r.clientCpuSeconds() / r.seconds(), "%.2f"))
                        .append(" / ").append(spread(cell, LoadResult::otherCores, "%.2f")).append(" |\n");
            }
        }

        double[] allWindows = boundByRep.stream().flatMap(List::stream).mapToDouble(Double::doubleValue).sorted().toArray();
        md.append("\n## RS256 signing bound\n\n");
        md.append(fmt("JCA `SHA256withRSA`, 2048-bit key, a %d-byte signing input (an access token's header.claims), in this "
                        + "JVM, one thread; signatures per CPU-second of that thread (ThreadMXBean), %d window(s) of %.1f s "
                        + "CPU per rep before the rep's load windows: **%,.0f** per CPU-second, median of %d windows (%,.0f–%,.0f).\n",
                signInputBytes, o.signWindows(), o.signWindow().toMillis() / 1e3, median(allWindows), allWindows.length,
                allWindows[0], allWindows[allWindows.length - 1]));

        md.append("\n## Ratios (per server CPU-second)\n\n");
        md.append("Each repetition's ratio uses the windows of that repetition (the signing bound: the median of its "
                + "windows); median over the repetitions (min–max).\n\n");
        md.append("| ratio | value | target (issue #10) | met |\n|---|---:|---|---|\n");
        ratio(md, "auth-server refresh ÷ signing bound", perRep("refresh", "auth-server", null, null), 0.75, "≥ 0.75");
        ratio(md, "auth-server API-key log-in ÷ signing bound", perRep("machine log-in", "auth-server", null, null), 0.75, "≥ 0.75");
        ratio(md, "auth-server password log-in ÷ Keycloak password grant", perRep("password", "auth-server", "password",
                "Keycloak"), 1.5, "≥ 1.5 (equal Argon2id cost)");
        ratio(md, "auth-server refresh ÷ Keycloak refresh-token grant", perRep("refresh", "auth-server", "refresh", "Keycloak"),
                2.5, "≥ 2.5 (follows from 0.75× the bound)");
        ratio(md, "auth-server API-key log-in ÷ Keycloak client-credentials grant", perRep("machine log-in", "auth-server",
                "machine log-in", "Keycloak"), 1.1, "≥ 1.1 (follows from 0.75× the bound)");
        ratio(md, "Keycloak refresh-token grant ÷ signing bound", perRep("refresh", "Keycloak", null, null), Double.NaN, "–");
        ratio(md, "Keycloak client-credentials grant ÷ signing bound", perRep("machine log-in", "Keycloak", null, null),
                Double.NaN, "–");
        ratio(md, "auth-server password log-in ÷ Keycloak password grant, req/s (not per CPU-s)", perRepRate("password"),
                Double.NaN, "–");

        List<String> firsts = new ArrayList<>();
        for (Window w : windows) {
            if (w.result().errorCount() > 0 && w.result().firstError() != null) {
                firsts.add("- rep " + w.rep() + ", " + w.server() + ", " + w.result().scenario() + ": " + w.result().firstError());
            }
        }
        if (!firsts.isEmpty()) {
            md.append("\n## First error of each window with errors (bodies redacted)\n\n").append(String.join("\n", firsts)).append("\n");
        }

        md.append("\n## Every window\n\n");
        md.append("| rep | server | scenario | s | requests | req/s | server CPU-s | req/server-CPU-s | idle server CPU-s | p50 | p99 | max | connections | errors |\n");
        md.append("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Window w : windows) {
            LoadResult r = w.result();
            md.append("| ").append(w.rep()).append(" | ").append(w.server()).append(" | ").append(r.scenario())
                    .append(" | ").append(fmt("%.1f", r.seconds())).append(" | ").append(fmt("%,d", r.ok()))
                    .append(" | ").append(fmt("%,.0f", r.requestsPerSecond()))
                    .append(" | ").append(fmt("%.2f", r.serverCpuSeconds()))
                    .append(" | ").append(fmt("%,.0f", r.requestsPerServerCpuSecond()))
                    .append(" | ").append(fmt("%.2f", r.idleServerCpuSeconds()))
                    .append(" | ").append(fmt("%.2f", r.latency().getValueAtPercentile(50) / 1e3))
                    .append(" | ").append(fmt("%.2f", r.latency().getValueAtPercentile(99) / 1e3))
                    .append(" | ").append(fmt("%.1f", r.latency().getMaxValue() / 1e3))
                    .append(" | ").append(r.connections()).append(" | ").append(errors(List.of(r))).append(" |\n");
        }
        return md.toString();
    }

    private List<LoadResult> cell(KeycloakSideBySide.Pair pair, String server) {
        return windows.stream().filter(w -> w.pair().equals(pair) && w.server().equals(server)).map(Window::result).toList();
    }

    private LoadResult at(int rep, String label, String server) {
        return windows.stream().filter(w -> w.rep() == rep && w.pair().label().equals(label) && w.server().equals(server))
                .map(Window::result).findFirst().orElseThrow();
    }

    /** Per rep: requests per server CPU-second of (label, server) ÷ those of (otherLabel, otherServer), or ÷ the rep's bound. */
    private double[] perRep(String label, String server, String otherLabel, String otherServer) {
        double[] v = new double[o.reps()];
        for (int rep = 1; rep <= o.reps(); rep++) {
            double x = at(rep, label, server).requestsPerServerCpuSecond();
            double y = otherLabel == null ? median(boundByRep.get(rep - 1).stream().mapToDouble(Double::doubleValue).sorted().toArray())
                    : at(rep, otherLabel, otherServer).requestsPerServerCpuSecond();
            v[rep - 1] = x / y;
        }
        return v;
    }

    private double[] perRepRate(String label) {
        double[] v = new double[o.reps()];
        for (int rep = 1; rep <= o.reps(); rep++) {
            v[rep - 1] = at(rep, label, "auth-server").requestsPerSecond() / at(rep, label, "Keycloak").requestsPerSecond();
        }
        return v;
    }

    private static void ratio(StringBuilder md, String name, double[] values, double target, String targetText) {
        double[] v = values.clone();
        Arrays.sort(v);
        double m = median(v);
        String value = fmt("%.2f", m) + (v.length > 1 ? fmt(" (%.2f–%.2f)", v[0], v[v.length - 1]) : "");
        String met = Double.isNaN(target) ? "–" : Double.isNaN(m) ? "unknown"
                : m >= target ? (v[0] >= target ? "met" : "met by the median, not by every rep") : "**not met**";
        md.append("| ").append(name).append(" | ").append(value).append(" | ").append(targetText).append(" | ").append(met).append(" |\n");
    }

    private static String spread(List<LoadResult> cell, ToDoubleFunction<LoadResult> f, String format) {
        double[] v = cell.stream().mapToDouble(f).sorted().toArray();
        String m = fmt(format, median(v));
        return v.length == 1 ? m : m + " (" + fmt(format, v[0]) + "–" + fmt(format, v[v.length - 1]) + ")";
    }

    static double median(double[] sorted) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static String errors(List<LoadResult> cell) {
        Map<String, Long> all = new TreeMap<>();
        cell.forEach(r -> r.errors().forEach((k, v) -> all.merge(k, v, Long::sum)));
        if (all.isEmpty()) {
            return "0";
        }
        StringBuilder s = new StringBuilder();
        all.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(": ").append(v));
        return s.toString();
    }

    private static String temp(String command) {
        return command.replaceAll("/tmp/latchkey-kc-bench-[^/ ]+", Matcher.quoteReplacement("$TMP"));
    }

    private static void row(StringBuilder md, String name, String value) {
        md.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }

    private static String mib(long kib) {
        return kib < 0 ? "?" : fmt("%,.0f", kib / 1024.0);
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
