package dev.latchkey.benchmarks.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The command line that starts auth-server for a benchmark, with the files it needs written into a
 * working directory: the configuration ({@link LatchkeyFixture#config}), a fresh data directory and, with
 * the access log off, a logging configuration that keeps only the server's own start-up lines.
 */
final class AuthServerCommand {
    /** The line auth-server prints when it listens; its group is the base URL. */
    static final Pattern READY = Pattern.compile("Latchkey server listening on (http://\\S+)");
    /** A cheap GET that answers 200 once the HTTP API serves requests. */
    static final String PROBE_PATH = "/api/client/v2.0/app/latchkey/location";

    private AuthServerCommand() {
    }

    /**
     * Writes {@code work/config.json} (and {@code work/logging.properties} when the access log is off) and
     * returns the command; the server keeps its data in {@code work/data}.
     *
     * @param argon2 local-userpass's passwordHashing (memory KiB, iterations, lanes), or null for the server's default
     */
    static List<String> write(Path work, Path serverJar, List<String> jvmOptions, boolean accessLog, int[] argon2)
            throws IOException {
        Path config = work.resolve("config.json");
        Files.writeString(config, LatchkeyFixture.config(argon2), StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        if (!accessLog) {
            Path logging = work.resolve("logging.properties");
            Files.writeString(logging, """
                    handlers=java.util.logging.ConsoleHandler
                    .level=WARNING
                    dev.latchkey.server.level=INFO
                    dev.latchkey.server.access.level=WARNING
                    java.util.logging.ConsoleHandler.level=ALL
                    java.util.logging.ConsoleHandler.formatter=java.util.logging.SimpleFormatter
                    java.util.logging.SimpleFormatter.format=%5$s%6$s%n
                    """);
            command.add("-Djava.util.logging.config.file=" + logging);
        }
        command.addAll(List.of("-jar", serverJar.toString(), "--app-id", "latchkey", "--config", config.toString(),
                "--data", work.resolve("data").toString(), "--host", "127.0.0.1", "--port", "0"));
        return command;
    }
}
