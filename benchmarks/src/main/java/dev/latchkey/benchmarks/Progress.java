package dev.latchkey.benchmarks;

import java.io.PrintStream;

/** Progress lines on standard error, stamped with the seconds since the run began; standard output keeps only the report. */
final class Progress {
    private static final long START = System.nanoTime();
    private static final PrintStream OUT = System.err;

    private Progress() {
    }

    static void say(String format, Object... args) {
        OUT.printf("[%7.1fs] %s%n", (System.nanoTime() - START) / 1e9, String.format(format, args));
    }
}
