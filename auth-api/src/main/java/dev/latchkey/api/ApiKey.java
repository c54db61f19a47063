package dev.latchkey.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Objects;

/**
 * A user or server API key. Its {@link #value()} is known only in the answer to the call that
 * created it: Latchkey keeps a hash, never the key. {@link #toString()} never shows the value.
 *
 * @param id the key's id, used to fetch, enable, disable or delete it
 * @param name the name given at creation, unique per user
 * @param enabled whether the key can log in
 * @param createdAt when the key was created
 * @param value the secret key, only right after creation; otherwise {@code null}
 */
public record ApiKey(String id, String name, boolean enabled, Instant createdAt, String value) {

    /**
     * This key without its secret value.
     *
     * @return a copy whose value is {@code null}
     */
    public ApiKey withoutValue() {
        return new ApiKey(id, name, enabled, createdAt, null);
    }

    /** Hides the value. */
    @Override
    public String toString() {
        return "ApiKey[id=" + id + ", name=" + name + ", enabled=" + enabled + ", createdAt=" + createdAt
                + (value == null ? "" : ", value=(hidden)") + "]";
    }

    /** Compares every field; the value in constant time. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ApiKey other)) {
            return false;
        }
        return Objects.equals(id, other.id) && Objects.equals(name, other.name) && enabled == other.enabled
                && Objects.equals(createdAt, other.createdAt) && sameValue(value, other.value);
    }

    /** Never derived from the value. */
    @Override
    public int hashCode() {
        return Objects.hash(id, name, enabled, createdAt);
    }

    private static boolean sameValue(String a, String b) {
        if (a == null || b == null) {
            return a == b;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
