package dev.latchkey.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The admin API's key, kept only as its SHA-256 digest. A presented key is digested and the two
 * digests compared with {@link MessageDigest#isEqual}: both are 32 bytes whatever was sent, so the
 * comparison takes the same time for every wrong key, and nothing about the key's length or its
 * first characters leaks through timing.
 */
final class AdminKey {
    private final byte[] digest;

    AdminKey(String key) {
        this.digest = sha256(key);
    }

    /**
     * @param presented the key a request carries, or null
     * @return whether it is the admin key
     */
    boolean matches(String presented) {
        // A missing key is digested too, so no answer is quicker than another.
        return MessageDigest.isEqual(digest, sha256(presented == null ? "" : presented)) && presented != null;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "AdminKey[(hidden)]";
    }
}
