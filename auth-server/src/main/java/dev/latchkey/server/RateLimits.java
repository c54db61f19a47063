package dev.latchkey.server;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;

import java.util.Set;

/**
 * The server's per-client limits, the {@code server.rateLimit} section of the configuration:
 *
 * <pre>{@code
 * "rateLimit": { "enabled": true, "requestsPerMinute": 600, "burst": 100,
 *                "mailRequestsPerHour": 20, "mailBurst": 5, "maxTrackedAddresses": 100000 }
 * }</pre>
 *
 * @param enabled whether the limits apply (the admin key's failure throttle applies regardless)
 * @param requestsPerMinute every request of a client: the refill rate of its bucket
 * @param burst every request of a client: the bucket's size
 * @param mailRequestsPerHour the {@code local-userpass} routes that send mail or run the
 *     application's functions, per client: the refill rate
 * @param mailBurst those routes: the bucket's size. Keep it below the engine's
 *     {@code throttle.accountFailures} (10), so one client alone cannot spend an address's mail budget
 * @param maxTrackedAddresses the most clients each limit keeps a bucket for
 */
public record RateLimits(boolean enabled, int requestsPerMinute, int burst, int mailRequestsPerHour, int mailBurst,
                  int maxTrackedAddresses) {
    /** On: 600 requests a minute with bursts of 100; 20 mail requests an hour with bursts of 5; 100,000 clients tracked. */
    public static final RateLimits DEFAULTS = new RateLimits(true, 600, 100, 20, 5, 100_000);

    static final int MAX_RATE = 1_000_000;
    static final int MIN_TRACKED = 1_000;
    static final int MAX_TRACKED = 10_000_000;
    private static final Set<String> KEYS = Set.of("enabled", "requestsPerMinute", "burst", "mailRequestsPerHour", "mailBurst",
            "maxTrackedAddresses");

    /**
     * Reads {@code server.rateLimit}; every key optional.
     *
     * @param value the section, or null when absent
     * @return the limits
     * @throws AuthException {@link ErrorCode#CONFIGURATION} naming the key that is wrong or unknown
     */
    static RateLimits parse(JsonElement value) {
        if (value == null) {
            return DEFAULTS;
        }
        if (!(value instanceof JsonObject section)) {
            throw error("server.rateLimit: expected an object such as {\"requestsPerMinute\": 600, \"burst\": 100}");
        }
        ServerConfig.checkKeys(section, "server.rateLimit", KEYS);
        boolean enabled = DEFAULTS.enabled;
        JsonElement on = section.get("enabled");
        if (on != null) {
            if (!(on instanceof JsonPrimitive p) || !p.isBoolean()) {
                throw error("server.rateLimit.enabled: expected true or false");
            }
            enabled = p.getAsBoolean();
        }
        return new RateLimits(enabled,
                number(section, "requestsPerMinute", DEFAULTS.requestsPerMinute, 1, MAX_RATE),
                number(section, "burst", DEFAULTS.burst, 1, MAX_RATE),
                number(section, "mailRequestsPerHour", DEFAULTS.mailRequestsPerHour, 1, MAX_RATE),
                number(section, "mailBurst", DEFAULTS.mailBurst, 1, MAX_RATE),
                number(section, "maxTrackedAddresses", DEFAULTS.maxTrackedAddresses, MIN_TRACKED, MAX_TRACKED));
    }

    private static int number(JsonObject section, String key, int fallback, int min, int max) {
        JsonElement value = section.get(key);
        if (value == null) {
            return fallback;
        }
        long n;
        try {
            if (!(value instanceof JsonPrimitive p) || !p.isNumber()) {
                throw new NumberFormatException();
            }
            n = p.getAsBigDecimal().longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw error("server.rateLimit." + key + ": expected a whole number");
        }
        if (n < min || n > max) {
            throw error("server.rateLimit." + key + ": expected " + min + " to " + max);
        }
        return (int) n;
    }

    private static AuthException error(String message) {
        return new AuthException(ErrorCode.CONFIGURATION, message);
    }
}
