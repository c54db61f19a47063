package dev.latchkey.benchmarks.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server under load, run as a child process: started from a command line, ready once a line of its
 * standard output matches a pattern (whose first group is its base URL), stopped with SIGTERM and, if
 * it does not exit in time, killed. Knows how much CPU it has used and how much memory it holds, from
 * Linux's /proc and the JDK's {@code jcmd}. Nothing here is Latchkey-specific, so another server (Keycloak,
 * for issue #10) is driven the same way. Public for {@code ClientMemory}, which runs a server for its client.
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

    private ServerProcess(Process process, String url, Duration startUp, Path stdout, Path stderr) {
        this.process = process;
        this.url = url;
        this.startUp = startUp;
        this.stdout = stdout;
        this.stderr = stderr;
        // A harness stopped by Ctrl-C or the run's deadline must not leave its server running.
        this.stopOnExit = new Thread(process::destroyForcibly, "stop-server-on-exit");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /**
     * Starts {@code command} and waits for its ready line.
     *
     * @param logs where the server's standard output and error go ({@code server.out}, {@code server.err}):
     *     they are drained to files, so a chatty server (an access log) never blocks on a full pipe
     */
    public static ServerProcess start(List<String> command, Pattern readyLine, Path logs, Duration timeout)
            throws IOException, InterruptedException {
        Files.createDirectories(logs);
        Path out = logs.resolve("server.out");
        Path err = logs.resolve("server.err");
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
        process.getOutputStream().close();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread drain = new Thread(() -> drain(process, out, readyLine, ready), "server-stdout");
        drain.setDaemon(true);
        drain.start();
        try {
            String url = ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new ServerProcess(process, url, Duration.ofNanos(System.nanoTime() - started), out, err);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
            String why = e instanceof TimeoutException ? "no ready line within " + timeout.toSeconds() + " s"
                    : "it exited (code " + (process.isAlive() ? "?" : process.exitValue()) + ") before its ready line";
            throw new IOException("the server did not start: " + why + "; last lines of " + err + ":\n" + tail(err, 15));
        }
    }

    private static void drain(Process process, Path out, Pattern readyLine, CompletableFuture<String> ready) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer log = Files.newBufferedWriter(out)) {
            String line;
            while ((line = in.readLine()) != null) {
                log.write(line);
                log.write('\n');
                log.flush();
                Matcher m = readyLine.matcher(line);
                if (!ready.isDone() && m.find()) {
                    ready.complete(m.group(1));
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

    /** CPU time the server has used so far (user + system, all its threads), in seconds. */
    double cpuSeconds() {
        return Proc.cpuSeconds(process.pid());
    }

    /** Resident set size now, in KiB (VmRSS of /proc/PID/status). */
    long rssKib() {
        return Proc.rssKib(process.pid());
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

    /** SIGTERM, then up to 15 s for a graceful stop, then SIGKILL. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook runs and finds the process gone.
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
