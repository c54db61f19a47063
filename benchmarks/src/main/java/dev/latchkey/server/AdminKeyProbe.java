package dev.latchkey.server;

/**
 * The benchmarks' way to the admin API's key check ({@link AdminKey} is package-private in
 * auth-server): this class sits in the same package, on the class path beside the installed
 * auth-server jar, and calls the real class, so {@code ComparisonTiming} times the code the server
 * runs rather than a copy of it. Over HTTP the check cannot be timed at all: after ten wrong keys an
 * address gets 429 without a check, and a request costs a thousand times what the check does.
 */
public final class AdminKeyProbe {
    private final AdminKey key;

    /**
     * @param key the configured admin key
     */
    public AdminKeyProbe(String key) {
        this.key = new AdminKey(key);
    }

    /**
     * @param presented the key a request carries, or null
     * @return what {@link AdminKey#matches} answers
     */
    public boolean matches(String presented) {
        return key.matches(presented);
    }
}
