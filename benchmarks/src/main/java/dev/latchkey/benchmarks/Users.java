package dev.latchkey.benchmarks;

/**
 * The benchmark's existing users: user {@code i} (0 ≤ i &lt; count) has the identity
 * {@code bench-idp / bench-user-i} and a user id that is a fixed pseudo-random function of {@code i},
 * 24 lower-case hex digits like the engine's own ids ({@code Secrets.newId(12)}). Ids are spread as
 * the engine's random ids are, so the primary-key index is filled in random order, not sequentially.
 */
final class Users {
    private Users() {
    }

    static String subject(int i) {
        return "bench-user-" + i;
    }

    static String userId(int i) {
        long a = mix(0x9E3779B97F4A7C15L * (i + 1L));
        long b = mix(a ^ 0xD1B54A32D192ED03L);
        return hex(a, 16) + hex(b >>> 32, 8);
    }

    private static String hex(long value, int digits) {
        String s = Long.toHexString(value);
        return s.length() >= digits ? s.substring(s.length() - digits) : "0".repeat(digits - s.length()) + s;
    }

    /** SplitMix64's finaliser: a bijection on longs with good avalanche. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
