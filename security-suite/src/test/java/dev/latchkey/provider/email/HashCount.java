package dev.latchkey.provider.email;

/**
 * Reads the email provider's count of password hashes computed, for SECURITY.md 18 and 21.
 * The counter is package-private in {@code provider-email} (a test hook, not API); this class sits
 * in the provider's package, as the provider's own tests do, so the suite can read it without
 * reflection and without widening the provider's public API.
 */
public final class HashCount {
    private HashCount() {
    }

    /**
     * How many Argon2id hashes the provider has computed (real checks and dummy ones) since it started.
     *
     * @param provider a started provider
     * @return the count
     */
    public static long of(EmailPasswordProvider provider) {
        return provider.hashComputations();
    }
}
