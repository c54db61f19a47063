package dev.latchkey.core.token;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random ids and secrets from one {@link SecureRandom}, and the hashes secrets are stored as. */
@Singleton
public final class Secrets {
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final SecureRandom random;

    /**
     * Creates the generator.
     *
     * @param random the engine's random source
     */
    @Inject
    public Secrets(SecureRandom random) {
        this.random = random;
    }

    /**
     * A new secret token: 256 random bits, base64url without padding (43 characters).
     *
     * @return the token
     */
    public String newToken() {
        return BASE64URL.encodeToString(bytes(32));
    }

    /**
     * A new id: random bits in lower-case hex.
     *
     * @param bytes how many random bytes (the id has twice as many characters)
     * @return the id
     */
    public String newId(int bytes) {
        return HexFormat.of().formatHex(bytes(bytes));
    }

    /**
     * Random bytes.
     *
     * @param count how many
     * @return the bytes
     */
    public byte[] bytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }

    /**
     * SHA-256 of a secret's UTF-8 bytes, base64url: what is stored instead of the secret.
     * Secrets hashed this way carry 128 or more random bits, so a fast hash is enough.
     *
     * @param secret the secret
     * @return the hash
     */
    public static String sha256(String secret) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return BASE64URL.encodeToString(digest.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * Compares two strings in time that does not depend on where they differ.
     *
     * @param a one string
     * @param b the other
     * @return true when equal
     */
    public static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
