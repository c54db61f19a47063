package dev.latchkey.server;

import dev.latchkey.api.AuthException;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.logging.LogManager;

/**
 * {@code java -jar auth-server.jar [--app-id ID] [--config FILE] [--data DIR] [--host ADDR] [--port N]}.
 * Prints {@code Latchkey server listening on http://HOST:PORT} when ready; SIGTERM (or Ctrl-C)
 * shuts it down gracefully. Exit codes: 2 for a bad command line (with the usage on stderr),
 * 1 when the server cannot start (the reason on stderr).
 */
public final class Main {
    /** Exit code of a command line that cannot be used. */
    public static final int EXIT_USAGE = 2;
    /** Exit code of a server that could not start. */
    public static final int EXIT_START_FAILED = 1;

    /**
     * What {@link #launch} did: either a running server or an exit code.
     *
     * @param server the running server, or null
     * @param exitCode the exit code when there is no server
     */
    public record Launch(LatchkeyServer server, int exitCode) {
    }

    private Main() {
    }

    /**
     * Runs the server until the JVM is asked to stop.
     *
     * @param args the command line
     * @throws Exception never on purpose: failures are reported and turned into an exit code
     */
    public static void main(String[] args) throws Exception {
        configureLogging();
        Launch launch = launch(args, System.out, System.err);
        if (launch.server() == null) {
            System.exit(launch.exitCode());
            return;
        }
        LatchkeyServer server = launch.server();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "latchkey-shutdown"));
        server.join();
    }

    /**
     * Parses the command line and starts the server, without exiting the JVM: what {@link #main}
     * does before it waits, and what tests call.
     *
     * @param args the command line
     * @param out where the ready line goes
     * @param err where usage and start failures go
     * @return the running server, or the exit code to end with
     */
    public static Launch launch(String[] args, PrintStream out, PrintStream err) {
        ServerOptions options;
        try {
            options = CommandLine.parse(args);
        } catch (CommandLine.UsageException e) {
            if (!e.getMessage().isEmpty()) {
                err.println("latchkey-server: " + e.getMessage());
            }
            err.print(CommandLine.USAGE);
            err.flush();
            return new Launch(null, EXIT_USAGE);
        }
        try {
            LatchkeyServer server = LatchkeyServer.start(options);
            out.println("Latchkey server listening on " + server.url());
            out.flush();
            return new Launch(server, 0);
        } catch (AuthException e) {
            // The message names the problem (a config key, the address); no stack trace for an operator error.
            err.println("latchkey-server: cannot start: " + e.getMessage());
            err.flush();
            return new Launch(null, EXIT_START_FAILED);
        }
    }

    private static void configureLogging() throws IOException {
        if (System.getProperty("java.util.logging.config.file") != null) {
            return;
        }
        try (InputStream logging = Main.class.getResourceAsStream("/latchkey-server-logging.properties")) {
            if (logging != null) {
                LogManager.getLogManager().readConfiguration(logging);
            }
        }
    }
}
