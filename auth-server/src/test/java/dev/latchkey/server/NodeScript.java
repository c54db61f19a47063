package dev.latchkey.server;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs one of the interop scripts of {@code src/test/node} with Node and holds the conversation
 * described in {@code lib/harness.mjs}: JSON lines on stdout, the script's questions answered on
 * stdin, one result at the end. Whatever goes wrong (a failure the script reports, a crash, a
 * timeout, an answer the test could not give) ends in an {@link AssertionError} that shows the
 * script's report and its stderr, where the request realm-web choked on and the server's answer
 * are printed (tokens and passwords redacted by the script).
 */
final class NodeScript {
    /** Where the scripts and their node_modules (installed by {@code npm ci} in the build) are. */
    static final Path DIRECTORY = Path.of(System.getProperty("basedir", ".")).resolve("src/test/node").toAbsolutePath();
    private static final int MAX_STDERR_CHARS = 64 * 1024;
    private static final String END = "\u0000end";

    /** What a script printed last: its result, and the method, path and status of each HTTP exchange. */
    record Outcome(JsonObject result, List<String> exchanges) {
    }

    private NodeScript() {
    }

    /**
     * Runs a script to its end.
     *
     * @param timeout for the whole run
     * @param environment extra environment variables (secrets go here, never on the command line)
     * @param answers answers the script's {@code {"ask": ...}} questions
     * @param script the script's file name, then its arguments
     * @return the result the script printed
     */
    static Outcome run(Duration timeout, Map<String, String> environment, Function<JsonObject, JsonObject> answers,
                       String... script) {
        if (!Files.isDirectory(DIRECTORY.resolve("node_modules"))) {
            throw new AssertionError("no " + DIRECTORY.resolve("node_modules") + ": the build installs it with 'npm ci' in the "
                    + "process-test-resources phase; run the tests through Maven (see auth-server/README.md, Interop)");
        }
        List<String> command = new ArrayList<>();
        command.add("node");
        command.addAll(List.of(script));
        ProcessBuilder builder = new ProcessBuilder(command).directory(DIRECTORY.toFile());
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AssertionError("cannot start 'node' (is Node.js 20+ on the PATH?): " + e.getMessage(), e);
        }
        StringBuffer stderr = new StringBuffer();
        Thread errorReader = pump(process.getErrorStream(), line -> {
            if (stderr.length() < MAX_STDERR_CHARS) {
                stderr.append(line).append('\n');
            }
        }, () -> { }, "node-stderr");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        pump(process.getInputStream(), lines::add, () -> lines.add(END), "node-stdout");
        String name = String.join(" ", script);
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonObject last = null;
        List<String> otherOutput = new ArrayList<>();
        try (Writer stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8)) {
            while (true) {
                String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw failure(name, "did not finish within " + timeout, last, otherOutput, stderr, process, errorReader);
                }
                if (line.equals(END)) {
                    break;
                }
                Optional<JsonObject> message = parse(line);
                if (message.isEmpty()) {
                    otherOutput.add(line);
                    continue;
                }
                JsonObject m = message.get();
                if (m.has("ask")) {
                    JsonObject answer;
                    try {
                        answer = answers.apply(m.getAsJsonObject("ask"));
                    } catch (RuntimeException | AssertionError e) {
                        AssertionError error = failure(name, "the test could not answer " + m.get("ask") + ": " + e,
                                last, otherOutput, stderr, process, errorReader);
                        error.addSuppressed(e);
                        throw error;
                    }
                    stdin.write(answer.toString());
                    stdin.write('\n');
                    stdin.flush();
                } else {
                    last = m;
                }
            }
            if (!process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw failure(name, "did not exit within " + timeout, last, otherOutput, stderr, process, errorReader);
            }
        } catch (IOException e) {
            throw failure(name, "the conversation broke: " + e, last, otherOutput, stderr, process, errorReader);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(name, "interrupted", last, otherOutput, stderr, process, errorReader);
        } finally {
            process.destroyForcibly();
        }
        joinQuietly(errorReader);
        if (process.exitValue() != 0 || last == null || !last.has("result")) {
            throw failure(name, "exited with " + process.exitValue(), last, otherOutput, stderr, process, errorReader);
        }
        List<String> exchanges = new ArrayList<>();
        for (JsonElement e : last.getAsJsonArray("exchanges")) {
            JsonObject x = e.getAsJsonObject();
            exchanges.add(x.get("method").getAsString() + " " + x.get("path").getAsString() + " "
                    + (x.get("status") == null ? "-" : x.get("status").getAsString()));
        }
        return new Outcome(last.getAsJsonObject("result"), exchanges);
    }

    private static Optional<JsonObject> parse(String line) {
        if (!line.startsWith("{")) {
            return Optional.empty();
        }
        try {
            JsonElement e = JsonParser.parseString(line);
            return e.isJsonObject() ? Optional.of(e.getAsJsonObject()) : Optional.empty();
        } catch (JsonParseException e) {
            return Optional.empty();
        }
    }

    private static AssertionError failure(String name, String what, JsonObject last, List<String> otherOutput,
                                          StringBuffer stderr, Process process, Thread errorReader) {
        process.destroyForcibly();
        joinQuietly(errorReader);
        StringBuilder sb = new StringBuilder("node ").append(name).append(": ").append(what);
        if (last != null && last.has("failure")) {
            sb.append("\n--- the script's report (secrets redacted) ---\n")
                    .append(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(last.get("failure")));
        }
        if (!otherOutput.isEmpty()) {
            sb.append("\n--- other output ---\n").append(String.join("\n", otherOutput));
        }
        sb.append("\n--- stderr ---\n").append(stderr.length() == 0 ? "(empty)" : stderr);
        return new AssertionError(sb.toString());
    }

    private static Thread pump(InputStream in, Consumer<String> sink, Runnable atEnd, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                // The process was killed: what was read is what there is.
            } finally {
                atEnd.run();
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
