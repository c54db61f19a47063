package dev.latchkey.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a JMH-style run's Markdown report goes: standard output, and a file under target/. */
final class MarkdownReport {
    private MarkdownReport() {
    }

    /**
     * Prints the report and writes it to {@code target/<name>.md}, saying where on standard error.
     *
     * @param report the Markdown
     * @param name the file name without {@code .md} (characters a file name should not hold are dropped)
     * @throws IOException when target/ cannot be written
     */
    static void publish(String report, String name) throws IOException {
        System.out.print(report);
        Path out = Path.of("target", name.replace(":", "") + ".md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report, StandardCharsets.UTF_8);
        System.err.println("report written to " + out.toAbsolutePath());
    }
}
