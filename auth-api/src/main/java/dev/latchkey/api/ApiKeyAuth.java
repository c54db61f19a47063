package dev.latchkey.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The API keys of one user, as the Realm SDKs' {@code ApiKeyAuth}. Anonymous users cannot have
 * API keys; a user has at most a configured number of them (20 by default).
 * Every blocking call has an {@code ...Async} twin.
 */
public interface ApiKeyAuth {

    /**
     * Creates a key. The answer is the only place its value ever appears: show it to the user now.
     *
     * @param name 1 to 64 ASCII letters, digits, '_' or '-'; unique among the user's keys
     * @return the new key, with its value
     * @throws AuthException {@link ErrorCode#API_KEY_ALREADY_EXISTS}, {@link ErrorCode#LIMIT_EXCEEDED},
     *     {@link ErrorCode#INVALID_PARAMETER}, {@link ErrorCode#OPERATION_NOT_ALLOWED} for anonymous users
     */
    ApiKey create(String name);

    /**
     * Creates a key without blocking.
     *
     * @param name the key's name
     * @return the new key, with its value
     */
    CompletableFuture<ApiKey> createAsync(String name);

    /**
     * Fetches one key (without its value).
     *
     * @param id the key's id
     * @return the key
     * @throws AuthException {@link ErrorCode#API_KEY_NOT_FOUND} when the user has no such key
     */
    ApiKey fetch(String id);

    /**
     * Fetches one key without blocking.
     *
     * @param id the key's id
     * @return the key
     */
    CompletableFuture<ApiKey> fetchAsync(String id);

    /**
     * Fetches all keys of the user (without their values), oldest first.
     *
     * @return the keys
     */
    List<ApiKey> fetchAll();

    /**
     * Fetches all keys without blocking.
     *
     * @return the keys
     */
    CompletableFuture<List<ApiKey>> fetchAllAsync();

    /**
     * Lets a disabled key log in again.
     *
     * @param id the key's id
     * @throws AuthException {@link ErrorCode#API_KEY_NOT_FOUND}
     */
    void enable(String id);

    /**
     * Enables a key without blocking.
     *
     * @param id the key's id
     * @return completes when done
     */
    CompletableFuture<Void> enableAsync(String id);

    /**
     * Stops a key from logging in, keeping it.
     *
     * @param id the key's id
     * @throws AuthException {@link ErrorCode#API_KEY_NOT_FOUND}
     */
    void disable(String id);

    /**
     * Disables a key without blocking.
     *
     * @param id the key's id
     * @return completes when done
     */
    CompletableFuture<Void> disableAsync(String id);

    /**
     * Deletes a key for good.
     *
     * @param id the key's id
     * @throws AuthException {@link ErrorCode#API_KEY_NOT_FOUND}
     */
    void delete(String id);

    /**
     * Deletes a key without blocking.
     *
     * @param id the key's id
     * @return completes when done
     */
    CompletableFuture<Void> deleteAsync(String id);
}
