package dev.latchkey.core.config;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import java.time.Duration;

/**
 * How failed log-ins are throttled (SECURITY.md 20; see {@code dev.latchkey.core.engine.LogInThrottle}).
 * Each limit is a leaky bucket: every failure adds one, and the level drains evenly, {@code failures}
 * per {@code window}, so a limit slows an attacker down but never locks anyone out for longer than
 * its window.
 *
 * @param enabled whether log-ins are throttled at all (default true)
 * @param accountFailures failures allowed per account and source before log-ins for that pair are
 *     refused (default 10; 1 to 1,000,000)
 * @param accountWindow how long {@code accountFailures} failures take to drain (default 15 minutes;
 *     1 second to 1 day)
 * @param sourceFailures failures allowed per source (client address) across all accounts (default
 *     100; 1 to 1,000,000)
 * @param sourceWindow how long {@code sourceFailures} failures take to drain (default 1 hour; 1
 *     second to 1 day)
 * @param maxEntries the most buckets one engine keeps in memory (default 100,000; 1,000 to 10,000,000)
 */
public record ThrottleSettings(boolean enabled, int accountFailures, Duration accountWindow, int sourceFailures,
                               Duration sourceWindow, int maxEntries) {
    /** The fewest failures a limit may allow. */
    public static final int MIN_FAILURES = 1;
    /** The most failures a limit may allow. */
    public static final int MAX_FAILURES = 1_000_000;
    /** The shortest window. */
    public static final Duration MIN_WINDOW = Duration.ofSeconds(1);
    /** The longest window: a day, so no configuration can lock a victim out for longer. */
    public static final Duration MAX_WINDOW = Duration.ofDays(1);
    /** The smallest bucket table: smaller would let a modest flood evict the buckets that matter. */
    public static final int MIN_ENTRIES = 1_000;
    /** The largest bucket table: about 1 GB of heap at roughly 110 bytes a bucket. */
    public static final int MAX_ENTRIES = 10_000_000;

    /** On, with Auth0's brute-force defaults: 10 failures per account per 15 minutes, 100 per source per hour. */
    public static final ThrottleSettings DEFAULTS = new ThrottleSettings(true, 10, Duration.ofMinutes(15), 100,
            Duration.ofHours(1), 100_000);

    /** Checks every value, so settings made in code are held to the configuration file's bounds. */
    public ThrottleSettings {
        checkFailures("accountFailures", accountFailures);
        checkWindow("accountWindow", accountWindow);
        checkFailures("sourceFailures", sourceFailures);
        checkWindow("sourceWindow", sourceWindow);
        if (maxEntries < MIN_ENTRIES || maxEntries > MAX_ENTRIES) {
            throw error("throttle.maxEntries: expected a whole number from " + MIN_ENTRIES + " to " + MAX_ENTRIES);
        }
    }

    private static void checkFailures(String key, int failures) {
        if (failures < MIN_FAILURES || failures > MAX_FAILURES) {
            throw error("throttle." + key + ": expected a whole number from " + MIN_FAILURES + " to " + MAX_FAILURES);
        }
    }

    private static void checkWindow(String key, Duration window) {
        if (window == null || window.compareTo(MIN_WINDOW) < 0 || window.compareTo(MAX_WINDOW) > 0) {
            throw error("throttle." + key + ": " + window + " is out of range " + MIN_WINDOW + " to " + MAX_WINDOW);
        }
    }

    private static AuthException error(String message) {
        return new AuthException(ErrorCode.CONFIGURATION, message);
    }
}
