package dev.latchkey.benchmarks.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A server under load, run as a child process: started from a command line, ready once a line of its
 * standard output matches a pattern (whose first group is its base URL) or, for a server that prints
 * none, once a probe URL answers; stopped with SIGTERM and, if it does not exit in time, killed, with
 * every process it forked (Keycloak's {@code kc.sh} forks {@code java}). Knows how much CPU its process
 * tree has used and how much memory it holds, from Linux's /proc and the JDK's {@code jcmd}. Nothing here
 * is Latchkey-specific, so another server (Keycloak, for issue #10) is driven the same way. Public for
 * {@code ClientMemory}, which runs a server for its client.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    private static final Duration JCMD_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final String url;
    private final Duration startUp;
    private final Path stdout;
    private final Path stderr;
    private final Thread stopOnExit;

    private ServerProcess(Process process, String url, Duration startUp, Path stdout, Path stderr, Thread stopOnExit) {
        this.process = process;
        this.url = url;
        this.startUp = startUp;
        this.stdout = stdout;
        this.stderr = stderr;
        this.stopOnExit = stopOnExit;
    }

    /**
     * How a server shows that it is ready: a line of its standard output whose first group is its base URL,
     * or a base URL known in advance; then, when {@code probePath} is set, the first 2xx answer to a GET of
     * that path (polled every 100 ms).
     */
    record Readiness(Pattern urlLine, String url, String probePath) {
        static Readiness line(Pattern urlLine) {
            return new Readiness(urlLine, null, null);
        }

        static Readiness probe(String url, String probePath) {
            return new Readiness(null, url, probePath);
        }

        Readiness thenProbe(String path) {
            return new Readiness(urlLine, url, path);
        }
    }

    /**
     * Starts {@code command} and waits for its ready line.
     *
     * @param logs where the server's standard output and error go ({@code server.out}, {@code server.err}):
     *     they are drained to files, so a chatty server (an access log) never blocks on a full pipe
     */
    public static ServerProcess start(List<String> command, Pattern readyLine, Path logs, Duration timeout)
            throws IOException, InterruptedException {
        return start(command, Map.of(), Readiness.line(readyLine), logs, timeout);
    }

    /**
     * Starts {@code command} with {@code environment} added to this process's, and waits until it is ready.
     * The start-up time is from just before the process is started to the moment it is ready.
     */
    static ServerProcess start(List<String> command, Map<String, String> environment, Readiness readiness, Path logs,
                               Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(logs);
        Path out = logs.resolve("server.out");
        Path err = logs.resolve("server.err");
        long started = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(err.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        // A harness stopped by Ctrl-C or the run's deadline must not leave its server, or anything it forked,
        // running: from now on, also while waiting for it to be ready.
        Thread stopOnExit = new Thread(() -> stopTree(process.toHandle(), Duration.ZERO), "stop-server-on-exit");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        process.getOutputStream().close();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread drain = new Thread(() -> drain(process, out, readiness.urlLine(), ready), "server-stdout");
        drain.setDaemon(true);
        drain.start();
        long deadline = started + timeout.toNanos();
        try {
            String url = readiness.urlLine() == null ? readiness.url()
                    : ready.get(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), TimeUnit.MILLISECONDS);
            if (readiness.probePath() != null) {
                probe(process, url + readiness.probePath(), deadline);
            }
            return new ServerProcess(process, url, Duration.ofNanos(System.nanoTime() - started), out, err, stopOnExit);
        } catch (ExecutionException | TimeoutException | IOException e) {
            stopTree(process.toHandle(), Duration.ZERO);
            removeHook(stopOnExit);
            String why = e instanceof TimeoutException ? "no ready line within " + timeout.toSeconds() + " s"
                    : e instanceof IOException ? e.getMessage()
                    : "it exited (code " + (process.isAlive() ? "?" : process.exitValue()) + ") before its ready line";
            throw new IOException("the server did not start: " + why + "; last lines of " + out + ":\n" + tail(out, 15)
                    + "\nand of " + err + ":\n" + tail(err, 15));
        } catch (InterruptedException | RuntimeException e) {
            stopTree(process.toHandle(), Duration.ZERO);
            removeHook(stopOnExit);
            throw e;
        }
    }

    /** Polls {@code url} until it answers 2xx; fails when the process exits or the deadline passes. */
    private static void probe(Process process, String url, long deadline) throws IOException, InterruptedException {
        OkHttpClient client = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(5)).retryOnConnectionFailure(false).build();
        Request request = new Request.Builder().url(url).get().build();
        try {
            while (System.nanoTime() - deadline < 0) {
                if (!process.isAlive()) {
                    throw new IOException("it exited (code " + process.exitValue() + ") before answering " + url);
                }
                try (Response r = client.newCall(request).execute()) {
                    r.body().bytes();
                    if (r.isSuccessful()) {
                        return;
                    }
                } catch (IOException e) {
                    // Not listening yet.
                }
                Thread.sleep(100);
            }
            throw new IOException("no 2xx answer from " + url + " in time");
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    private static void drain(Process process, Path out, Pattern readyLine, CompletableFuture<String> ready) {
        // Without a ready line to wait for, the future is never read; draining still keeps the pipe from filling.
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer log = Files.newBufferedWriter(out)) {
            String line;
            while ((line = in.readLine()) != null) {
                log.write(line);
                log.write('\n');
                log.flush();
                if (readyLine != null && !ready.isDone()) {
                    Matcher m = readyLine.matcher(line);
                    if (m.find()) {
                        ready.complete(m.group(1));
                    }
                }
            }
        } catch (IOException e) {
            // The process is gone or its pipe broke: the ready future below says so.
        }
        ready.completeExceptionally(new IOException("standard output closed"));
    }

    public String url() {
        return url;
    }

    public long pid() {
        return process.pid();
    }

    /** From starting the command to its ready line. */
    Duration startUp() {
        return startUp;
    }

    boolean alive() {
        return process.isAlive();
    }

    /**
     * CPU time the server has used so far (user + system, all its threads, its own and its descendants'
     * processes: a start script's {@code java} counts), in seconds.
     */
    double cpuSeconds() {
        return Proc.treeCpuSeconds(process.toHandle());
    }

    /** Resident set size now, in KiB: the sum of VmRSS of /proc/PID/status over the process and its descendants. */
    long rssKib() {
        return Proc.treeRssKib(process.toHandle());
    }

    /** Whether the server's standard output so far holds {@code text}. */
    boolean stdoutContains(String text) {
        try {
            return Files.readString(stdout, StandardCharsets.UTF_8).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs a full GC in the server ({@code jcmd PID GC.run}), then reads the heap in use ({@code GC.heap_info}), in KiB. */
    public long heapUsedKibAfterGc() throws IOException, InterruptedException {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        // G1: " garbage-first heap   total 262144K, used 81234K [0x...": the first "used" is the whole heap.
        Matcher m = Pattern.compile("used (\\d+)K").matcher(info);
        if (!m.find()) {
            throw new IOException("jcmd GC.heap_info: no heap usage in its answer: " + info.lines().findFirst().orElse(""));
        }
        return Long.parseLong(m.group(1));
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Path jdkJcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        String program = Files.isExecutable(jdkJcmd) ? jdkJcmd.toString() : "jcmd";
        Process p = new ProcessBuilder(program, Long.toString(pid()), command).redirectErrorStream(true).start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
        if (!p.waitFor(JCMD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("jcmd " + command + " did not finish within " + JCMD_TIMEOUT.toSeconds() + " s");
        }
        String text = output.join();
        if (p.exitValue() != 0) {
            throw new IOException("jcmd " + command + " failed (exit " + p.exitValue() + "): " + text.strip());
        }
        return text;
    }

    /** SIGTERM to the process and its descendants, then up to 15 s for a graceful stop, then SIGKILL. */
    @Override
    public void close() {
        stopTree(process.toHandle(), STOP_GRACE);
        removeHook(stopOnExit);
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook runs and finds the processes gone.
        }
    }

    /**
     * Stops a process and everything it forked. The descendants are listed before anything is signalled:
     * once a parent is gone its children are re-parented and no longer found through it. SIGTERM to all
     * (a start script that forwards it to its child does no harm), up to {@code grace} for them to exit,
     * then SIGKILL to whatever is left, and up to 15 s more for that.
     */
    static void stopTree(ProcessHandle root, Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
        tree.add(root);
        if (!grace.isZero()) {
            tree.forEach(ProcessHandle::destroy);
            awaitExit(tree, grace);
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        awaitExit(tree, STOP_GRACE);
    }

    private static void awaitExit(List<ProcessHandle> tree, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        for (ProcessHandle p : tree) {
            try {
                p.onExit().get(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // Still alive: the caller escalates, or reports it.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    Path stdout() {
        return stdout;
    }

    public Path stderr() {
        return stderr;
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
