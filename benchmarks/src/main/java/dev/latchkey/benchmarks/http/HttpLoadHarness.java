package dev.latchkey.benchmarks.http;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Issue #8's "Measure": log-ins per second per provider, refreshes and profile reads per second, over HTTP
 * on loopback against an auth-server this harness starts as a child process, with latency percentiles,
 * errors, the server's CPU time, and the server's memory per 10,000 sessions. A benchmark, not a test:
 * {@code benchmarks/run-http.sh}.
 */
public final class HttpLoadHarness {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private HttpLoadHarness() {
    }

    public static void main(String[] args) throws Exception {
        HttpOptions options = Cli.optionsOrExit(() -> HttpOptions.parse(args), HttpOptions.USAGE);
        Cli.requireServerJar(options.serverJar());
        Watchdog.start(options.deadline());
        System.exit(new HttpLoadHarness().run(options, System.out, System.err));
    }

    int run(HttpOptions o, PrintStream out, PrintStream progress) throws Exception {
        Path work = Files.createTempDirectory("latchkey-http-bench-");
        Path data = work.resolve("data");
        List<String> command = AuthServerCommand.write(work, o.serverJar(), o.serverJvmOptions(), o.accessLog(), o.argon2());
        Instant startedAt = Instant.now();
        progress.println("starting the server: " + String.join(" ", command));
        boolean failed = true;
        try (ServerProcess server = ServerProcess.start(command, AuthServerCommand.READY, work, START_TIMEOUT)) {
            progress.printf("server pid %d at %s, ready after %.2f s%n", server.pid(), server.url(), server.startUp().toMillis() / 1e3);
            long rssAtStart = server.rssKib();
            int setupThreads = Math.max(2, o.concurrency().stream().mapToInt(Integer::intValue).max().orElse(2));
            LatchkeyFixture fixture = new LatchkeyFixture(server.url(), o.requestTimeout(), setupThreads);
            long t = System.nanoTime();
            if (o.scenarios().contains("userpass-login")) {
                fixture.registerUsers(o.users());
            }
            if (o.scenarios().contains("refresh") || o.scenarios().contains("profile")) {
                fixture.openSessions(o.sessions());
            }
            if (o.scenarios().contains("apikey-login") || o.memorySessions() > 0) {
                fixture.createApiKeys(o.apiKeys());
            }
            double setupSeconds = (System.nanoTime() - t) / 1e9;
            progress.printf("fixture: %d email/password users, %d sessions, %d API keys in %.1f s%n", fixture.users(),
                    fixture.sessions(), fixture.apiKeys(), setupSeconds);

            LoadGenerator generator = new LoadGenerator(o.requestTimeout(), server::cpuSeconds);
            List<LoadResult> results = new ArrayList<>();
            for (int rep = 1; rep <= o.reps(); rep++) {
                for (int c : o.concurrency()) {
                    for (String name : o.scenarios()) {
                        LoadResult r = generator.run(fixture.scenario(name), c, o.warmup(), o.measure());
                        results.add(r);
                        progress.printf("rep %d/%d  %-15s c=%d  %,8.0f req/s  %,7.0f req/server-CPU-s  p50 %.2f ms  p99 %.2f ms"
                                        + "  errors %d  connections %d  others %.2f cores%n", rep, o.reps(), name, c,
                                r.requestsPerSecond(), r.requestsPerServerCpuSecond(), r.latency().getValueAtPercentile(50) / 1e3,
                                r.latency().getValueAtPercentile(99) / 1e3, r.errorCount(), r.connections(), r.otherCores());
                        if (!server.alive()) {
                            throw new IOException("the server exited during " + name + "; its log: " + server.stderr());
                        }
                    }
                }
            }

            List<MemoryStep> memory = new ArrayList<>();
            if (o.memorySessions() > 0) {
                long heap = server.heapUsedKibAfterGc();
                long rss = server.rssKib();
                long disk = size(data);
                for (int step = 1; step <= o.memorySteps(); step++) {
                    long s0 = System.nanoTime();
                    fixture.apiKeyLogIns(o.memorySessions());
                    double seconds = (System.nanoTime() - s0) / 1e9;
                    long heapAfter = server.heapUsedKibAfterGc();
                    long rssAfter = server.rssKib();
                    long diskAfter = size(data);
                    memory.add(new MemoryStep(step, o.memorySessions(), seconds, heap, heapAfter, rss, rssAfter, disk, diskAfter));
                    progress.printf("memory step %d: %,d sessions in %.1f s, heap %,d -> %,d KiB, RSS %,d -> %,d KiB%n", step,
                            o.memorySessions(), seconds, heap, heapAfter, rss, rssAfter);
                    heap = heapAfter;
                    rss = rssAfter;
                    disk = diskAfter;
                }
            }
            String report = new HttpReport(o, command, startedAt, server.startUp(), rssAtStart, fixture, setupSeconds,
                    results, memory).markdown();
            out.print(report);
            Files.createDirectories(o.output().toAbsolutePath().getParent());
            Files.writeString(o.output(), report, StandardCharsets.UTF_8);
            progress.println("report written to " + o.output());
            failed = false;
        } finally {
            if (failed) {
                progress.println("the server's files (log, data) are kept in " + work);
            } else {
                delete(work);
            }
        }
        return 0;
    }

    /**
     * One memory step: {@code sessions} more sessions opened, heap (after a full GC), resident memory and the
     * data directory's size before and after, in KiB.
     */
    record MemoryStep(int step, int sessions, double seconds, long heapBefore, long heapAfter, long rssBefore,
                      long rssAfter, long diskBefore, long diskAfter) {
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum() / 1024;
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
