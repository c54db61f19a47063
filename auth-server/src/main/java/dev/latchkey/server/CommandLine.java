package dev.latchkey.server;

import java.nio.file.Path;
import java.nio.file.InvalidPathException;

/** Parses {@code [--app-id ID] [--config FILE] [--data DIR] [--host ADDR] [--port N]}. */
final class CommandLine {
    static final String USAGE = """
            usage: java -jar auth-server.jar [--app-id ID] [--config FILE] [--data DIR] [--host ADDR] [--port N]
              --app-id ID    the app's id (default: latchkey)
              --config FILE  the configuration file (JSON; default: anonymous and email/password with auto-confirm)
              --data DIR     the data directory of the embedded store (default: ./latchkey-data)
              --host ADDR    the address to listen on (default: 127.0.0.1)
              --port N       the port, 0 for any free one (default: 8080)
            """;

    /** A command line that cannot be used; the message says why. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message, null, false, false);
        }
    }

    private CommandLine() {
    }

    static ServerOptions parse(String[] args) throws UsageException {
        ServerOptions options = ServerOptions.defaults();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                throw new UsageException("");
            }
            if (i + 1 >= args.length) {
                throw new UsageException(known(flag) ? flag + " needs a value" : "unknown option: " + printable(flag));
            }
            String value = args[++i];
            switch (flag) {
                case "--app-id" -> options = options.withAppId(value);
                case "--config" -> options = options.withConfigFile(path(flag, value));
                case "--data" -> options = options.withDataDirectory(path(flag, value));
                case "--host" -> options = options.withHost(value);
                case "--port" -> options = options.withPort(port(value));
                default -> throw new UsageException("unknown option: " + printable(flag));
            }
        }
        return options;
    }

    private static boolean known(String flag) {
        return switch (flag) {
            case "--app-id", "--config", "--data", "--host", "--port" -> true;
            default -> false;
        };
    }

    private static Path path(String flag, String value) throws UsageException {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new UsageException(flag + ": not a usable path");
        }
    }

    private static int port(String value) throws UsageException {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // Falls through to the usage message.
        }
        throw new UsageException("--port: expected a number from 0 to 65535");
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
