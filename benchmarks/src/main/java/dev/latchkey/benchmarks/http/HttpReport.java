package dev.latchkey.benchmarks.http;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/** The HTTP harness's Markdown report: medians of the repetitions with their min–max range, then every repetition. */
final class HttpReport {
    private final HttpOptions o;
    private final List<String> command;
    private final Instant startedAt;
    private final Duration startUp;
    private final long rssAtStart;
    private final LatchkeyFixture fixture;
    private final double setupSeconds;
    private final List<LoadResult> results;
    private final List<HttpLoadHarness.MemoryStep> memory;

    HttpReport(HttpOptions o, List<String> command, Instant startedAt, Duration startUp, long rssAtStart, LatchkeyFixture fixture,
               double setupSeconds, List<LoadResult> results, List<HttpLoadHarness.MemoryStep> memory) {
        this.o = o;
        this.command = command;
        this.startedAt = startedAt;
        this.startUp = startUp;
        this.rssAtStart = rssAtStart;
        this.fixture = fixture;
        this.setupSeconds = setupSeconds;
        this.results = results;
        this.memory = memory;
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# auth-server over HTTP, ").append(startedAt).append("\n\n");
        md.append("| | |\n|---|---|\n");
        row(md, "machine", MachineInfo.describe());
        row(md, "JDK (server and load generator)", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        row(md, "server", "`" + String.join(" ", command.subList(1, command.size())).replaceAll("/tmp/latchkey-http-bench-[^/ ]+",
                java.util.regex.Matcher.quoteReplacement("$TMP")) + "`; ready after " + fmt("%.2f", startUp.toMillis() / 1e3) + " s, RSS then " + mib(rssAtStart) + " MiB");
        row(md, "server settings", "embedded H2 store, rate limit and log-in throttle off, access log "
                + (o.accessLog() ? "on (to a file)" : "off") + ", Argon2id "
                + (o.argon2() == null ? "default (m=19456 KiB, t=2, p=1)" : "m=%d KiB, t=%d, p=%d".formatted(o.argon2()[0], o.argon2()[1], o.argon2()[2])));
        row(md, "fixture", fixture.users() + " email/password users, " + fixture.sessions() + " anonymous sessions, "
                + fixture.apiKeys() + " API keys, made in " + fmt("%.1f", setupSeconds) + " s");
        row(md, "load", "closed loop, " + o.concurrency() + " client threads (OkHttp, one keep-alive connection each), "
                + o.warmup().toMillis() / 1e3 + " s warm-up + " + o.measure().toMillis() / 1e3 + " s measured, "
                + o.reps() + " rep(s) interleaved, request timeout " + o.requestTimeout().toSeconds() + " s");
        md.append("\n## Throughput and latency\n\n");
        md.append("Median over the repetitions, (min–max) when there are several. req/CPU-s: successful requests per "
                + "CPU-second the server used in the window. Cores: CPU used on average in the window by the server / "
                + "the load generator / every other process. Latency in ms.\n\n");
        md.append("| scenario | threads | req/s | req/server-CPU-s | cores server / client / others | p50 | p90 | p99 | max | errors |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        Map<String, List<LoadResult>> cells = new TreeMap<>();
        for (LoadResult r : results) {
            cells.computeIfAbsent(String.format(Locale.ROOT, "%02d %06d %s", o.scenarios().indexOf(r.scenario()),
                    r.concurrency(), r.scenario()), k -> new java.util.ArrayList<>()).add(r);
        }
        for (List<LoadResult> cell : cells.values()) {
            LoadResult first = cell.get(0);
            md.append("| ").append(first.scenario()).append(" | ").append(first.concurrency())
                    .append(" | ").append(spread(cell, LoadResult::requestsPerSecond, "%,.0f"))
                    .append(" | ").append(spread(cell, LoadResult::requestsPerServerCpuSecond, "%,.0f"))
                    .append(" | ").append(spread(cell, r -> r.serverCpuSeconds() / r.seconds(), "%.2f"))
                    .append(" / ").append(spread(cell, r -> r.clientCpuSeconds() / r.seconds(), "%.2f"))
                    .append(" / ").append(spread(cell, LoadResult::otherCores, "%.2f"))
                    .append(" | ").append(spread(cell, r -> r.latency().getValueAtPercentile(50) / 1e3, "%.2f"))
                    .append(" | ").append(spread(cell, r -> r.latency().getValueAtPercentile(90) / 1e3, "%.2f"))
                    .append(" | ").append(spread(cell, r -> r.latency().getValueAtPercentile(99) / 1e3, "%.2f"))
                    .append(" | ").append(spread(cell, r -> r.latency().getMaxValue() / 1e3, "%.1f"))
                    .append(" | ").append(errors(cell)).append(" |\n");
        }
        md.append("\n### Every repetition\n\n");
        md.append("| # | scenario | threads | s | requests | req/s | req/server-CPU-s | server CPU-s | p50 | p99 | max | connections | errors |\n");
        md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        int i = 1;
        for (LoadResult r : results) {
            md.append("| ").append(i++).append(" | ").append(r.scenario()).append(" | ").append(r.concurrency())
                    .append(" | ").append(fmt("%.1f", r.seconds())).append(" | ").append(fmt("%,d", r.ok()))
                    .append(" | ").append(fmt("%,.0f", r.requestsPerSecond()))
                    .append(" | ").append(fmt("%,.0f", r.requestsPerServerCpuSecond()))
                    .append(" | ").append(fmt("%.2f", r.serverCpuSeconds()))
                    .append(" | ").append(fmt("%.2f", r.latency().getValueAtPercentile(50) / 1e3))
                    .append(" | ").append(fmt("%.2f", r.latency().getValueAtPercentile(99) / 1e3))
                    .append(" | ").append(fmt("%.1f", r.latency().getMaxValue() / 1e3))
                    .append(" | ").append(r.connections()).append(" | ").append(errors(List.of(r))).append(" |\n");
        }
        if (!memory.isEmpty()) {
            md.append("\n## Server memory per 10,000 sessions\n\n");
            md.append("Each step opens the sessions by API-key log-in (a session each, no new user; ")
                    .append(fixture.apiKeys()).append(" keys), then runs a full GC in the server (`jcmd PID GC.run`) and "
                            + "reads the heap in use (`jcmd PID GC.heap_info`), the resident set (VmRSS) and the size of the "
                            + "H2 data directory. Differences scaled to 10,000 sessions.\n\n");
            md.append("| step | sessions | s | heap after GC, MiB | Δ heap per 10k, MiB | RSS, MiB | Δ RSS per 10k, MiB | H2 files, MiB | Δ H2 per 10k, MiB |\n");
            md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (HttpLoadHarness.MemoryStep m : memory) {
                double per10k = 10_000.0 / m.sessions();
                md.append("| ").append(m.step()).append(" | ").append(fmt("%,d", m.sessions()))
                        .append(" | ").append(fmt("%.1f", m.seconds()))
                        .append(" | ").append(mib(m.heapBefore())).append(" → ").append(mib(m.heapAfter()))
                        .append(" | ").append(fmt("%.2f", (m.heapAfter() - m.heapBefore()) * per10k / 1024))
                        .append(" | ").append(mib(m.rssBefore())).append(" → ").append(mib(m.rssAfter()))
                        .append(" | ").append(fmt("%.2f", (m.rssAfter() - m.rssBefore()) * per10k / 1024))
                        .append(" | ").append(mib(m.diskBefore())).append(" → ").append(mib(m.diskAfter()))
                        .append(" | ").append(fmt("%.2f", (m.diskAfter() - m.diskBefore()) * per10k / 1024)).append(" |\n");
            }
        }
        return md.toString();
    }

    private static String spread(List<LoadResult> cell, ToDoubleFunction<LoadResult> f, String format) {
        double[] v = cell.stream().mapToDouble(f).sorted().toArray();
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        String m = fmt(format, median);
        return v.length == 1 ? m : m + " (" + fmt(format, v[0]) + "–" + fmt(format, v[v.length - 1]) + ")";
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

    private static void row(StringBuilder md, String name, String value) {
        md.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }

    private static String mib(long kib) {
        return kib < 0 ? "?" : fmt("%,.1f", kib / 1024.0);
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
