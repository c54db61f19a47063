package dev.latchkey.benchmarks.http;

import java.time.Duration;

/** A whole run's deadline: past it the JVM exits with status 3, and the shutdown hooks stop what the run started. */
final class Watchdog {
    private Watchdog() {
    }

    static void start(Duration deadline) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(deadline.toMillis());
                System.err.println("the run passed its deadline of " + deadline.toSeconds() + " s: stopping");
                System.exit(3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "deadline");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
