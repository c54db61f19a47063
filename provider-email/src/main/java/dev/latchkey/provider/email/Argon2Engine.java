package dev.latchkey.provider.email;

/**
 * One implementation of Argon2id, version 1.3 (0x13), as RFC 9106 defines it. Every implementation
 * computes the same function, so a hash made by one verifies with any other: which one runs changes the
 * CPU a check costs, never a stored hash (docs/decisions.md, "Argon2id: libargon2 when it loads").
 * Implementations are thread-safe and keep no state between calls.
 */
interface Argon2Engine {
    /**
     * Computes Argon2id.
     *
     * @param password the password's bytes; read, not kept, not changed
     * @param salt the salt
     * @param secret the secret key, or null (only RFC 9106's test vector uses one)
     * @param associatedData the associated data, or null (likewise)
     * @param parameters the cost
     * @param length the output's length in bytes
     * @return the tag
     * @throws dev.latchkey.api.AuthException INTERNAL when the computation fails (a native allocation, say);
     *     the message never holds the password
     */
    byte[] argon2id(byte[] password, byte[] salt, byte[] secret, byte[] associatedData, Argon2Parameters parameters, int length);

    /**
     * Names the implementation, for the start-up log line.
     *
     * @return a short description
     */
    String description();
}
