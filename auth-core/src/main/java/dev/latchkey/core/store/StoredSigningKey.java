package dev.latchkey.core.store;

import java.time.Instant;

/**
 * A key that signs access tokens.
 *
 * @param kid the key id, in every token it signs
 * @param jwk the key pair as a JWK (private parts included); never shown by {@link #toString()}
 * @param createdAt when it was generated; the newest key signs
 */
public record StoredSigningKey(String kid, String jwk, Instant createdAt) {
    /** Hides the key material. */
    @Override
    public String toString() {
        return "StoredSigningKey[kid=" + kid + ", createdAt=" + createdAt + "]";
    }
}
