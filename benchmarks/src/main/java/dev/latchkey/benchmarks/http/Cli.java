package dev.latchkey.benchmarks.http;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/** What the HTTP harnesses' main methods share: options or the usage text, and the server jar. */
final class Cli {
    private Cli() {
    }

    /**
     * Parses the options, or prints the usage and exits: 0 for {@code --help} (an option parser
     * signals it with an empty message), 2 for a mistake, after its message.
     */
    static <T> T optionsOrExit(Supplier<T> parse, String usage) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println(e.getMessage());
            }
            System.err.print(usage);
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
            throw new IllegalStateException("unreachable: the JVM is exiting");
        }
    }

    /** Exits with 2 and the command that builds it when auth-server's jar is not there. */
    static void requireServerJar(Path serverJar) {
        if (!Files.isRegularFile(serverJar)) {
            System.err.println(serverJar + " not found: build it first with "
                    + "`mvn -B -q -o package -DskipTests -pl auth-server -am` at the root");
            System.exit(2);
        }
    }
}
