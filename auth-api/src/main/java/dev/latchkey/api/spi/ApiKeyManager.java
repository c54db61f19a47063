package dev.latchkey.api.spi;

import dev.latchkey.api.ApiKey;
import java.util.List;
import java.util.Optional;

/**
 * A capability of the {@code api-key} provider: keeping users' keys. The engine calls it on
 * behalf of a user it has already checked, and links or unlinks the key's identity
 * ({@code api-key}, key id) itself.
 */
public interface ApiKeyManager {

    /**
     * Creates a key for a user.
     *
     * @param ownerId the user's id
     * @param name the key's name, unique per owner
     * @return the key with its value; only a hash of the value is kept
     * @throws dev.latchkey.api.AuthException {@link dev.latchkey.api.ErrorCode#API_KEY_ALREADY_EXISTS},
     *     {@link dev.latchkey.api.ErrorCode#LIMIT_EXCEEDED}, {@link dev.latchkey.api.ErrorCode#INVALID_PARAMETER}
     */
    ApiKey create(String ownerId, String name);

    /**
     * The keys of a user, without values, oldest first.
     *
     * @param ownerId the user's id
     * @return the keys
     */
    List<ApiKey> list(String ownerId);

    /**
     * One key of a user, without its value.
     *
     * @param ownerId the user's id
     * @param keyId the key's id
     * @return the key, or empty when the user has no such key
     */
    Optional<ApiKey> find(String ownerId, String keyId);

    /**
     * Enables or disables a key.
     *
     * @param ownerId the user's id
     * @param keyId the key's id
     * @param enabled the new state
     * @return false when the user has no such key
     */
    boolean setEnabled(String ownerId, String keyId, boolean enabled);

    /**
     * Deletes a key.
     *
     * @param ownerId the user's id
     * @param keyId the key's id
     * @return false when the user has no such key
     */
    boolean delete(String ownerId, String keyId);
}
