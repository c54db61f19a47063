package dev.latchkey.testkit;

import dev.latchkey.api.AuthChange;
import dev.latchkey.api.AuthChangeListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Records the {@link AuthChange}s it is given, and lets a test wait for one: changes are
 * delivered on Latchkey's event thread, after the call that caused them returns.
 */
public final class RecordingListener implements AuthChangeListener {
    /** How long {@link #await} waits by default. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final List<AuthChange> changes = new ArrayList<>();

    @Override
    public synchronized void onChange(AuthChange change) {
        changes.add(change);
        notifyAll();
    }

    /**
     * The changes so far, in delivery order.
     *
     * @return a copy
     */
    public synchronized List<AuthChange> changes() {
        return List.copyOf(changes);
    }

    /**
     * Waits for a change of a type and cause.
     *
     * @param type the type
     * @param cause the cause
     * @return the first matching change
     * @throws AssertionError when none arrives within {@link #DEFAULT_TIMEOUT}
     */
    public AuthChange await(AuthChange.Type type, AuthChange.Cause cause) {
        return await(c -> c.type() == type && c.cause() == cause, type + " caused by " + cause);
    }

    /**
     * Waits for a matching change.
     *
     * @param condition what to wait for
     * @param description what it is, for the failure message
     * @return the first matching change
     * @throws AssertionError when none arrives within {@link #DEFAULT_TIMEOUT}
     */
    public synchronized AuthChange await(Predicate<AuthChange> condition, String description) {
        long deadline = System.nanoTime() + DEFAULT_TIMEOUT.toNanos();
        while (true) {
            for (AuthChange c : changes) {
                if (condition.test(c)) {
                    return c;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no " + description + " within " + DEFAULT_TIMEOUT + "; got " + describe(changes));
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + description, e);
            }
        }
    }

    private static List<String> describe(List<AuthChange> changes) {
        List<String> out = new ArrayList<>();
        for (AuthChange c : changes) {
            out.add(c.type() + "/" + c.cause() + "/" + c.user().id());
        }
        return out;
    }
}
