package dev.latchkey.api;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The client side of Latchkey, as the Realm SDKs' {@code App}: logs users in, keeps them, knows
 * the current one, tells listeners of every change. Built once and shared; thread-safe.
 * Every call that may block has an {@code ...Async} twin.
 */
public interface AuthApp extends AutoCloseable {

    /**
     * The app's id.
     *
     * @return the id given when the app was built
     */
    String appId();

    /**
     * Logs a user in and makes it the current user.
     *
     * @param credentials what the user presents
     * @return the logged-in user (the same object for the same user id)
     * @throws AuthException for example {@link ErrorCode#INVALID_CREDENTIALS},
     *     {@link ErrorCode#PROVIDER_NOT_FOUND}, {@link ErrorCode#PROVIDER_DISABLED}
     */
    User logIn(Credentials credentials);

    /**
     * {@link #logIn(Credentials)} without blocking.
     *
     * @param credentials what the user presents
     * @return the logged-in user
     */
    CompletableFuture<User> logInAsync(Credentials credentials);

    /**
     * The user that logged in last and is still logged in, or the one chosen with
     * {@link #switchUser(User)}.
     *
     * @return the current user, or empty when no user is logged in
     */
    Optional<User> currentUser();

    /**
     * Every user the app knows, logged in or out, by id, most recently active first.
     *
     * @return an unmodifiable snapshot
     */
    Map<String, User> allUsers();

    /**
     * Makes a logged-in user the current user.
     *
     * @param user a user of this app
     * @throws AuthException {@link ErrorCode#OPERATION_NOT_ALLOWED} when the user is not logged in
     *     or not of this app
     */
    void switchUser(User user);

    /**
     * Logs the user out and forgets it on this device. The user still exists on the server.
     *
     * @param user a user of this app
     */
    void removeUser(User user);

    /**
     * {@link #removeUser(User)} without blocking.
     *
     * @param user a user of this app
     * @return completes when done
     */
    CompletableFuture<Void> removeUserAsync(User user);

    /**
     * Deletes the user on the server, for good, and removes it from the app. A deleted user's
     * credentials log in as a new user, or not at all.
     *
     * @param user a logged-in user of this app
     * @throws AuthException {@link ErrorCode#INVALID_SESSION} when the user is not logged in
     */
    void deleteUser(User user);

    /**
     * {@link #deleteUser(User)} without blocking.
     *
     * @param user a logged-in user of this app
     * @return completes when done
     */
    CompletableFuture<Void> deleteUserAsync(User user);

    /**
     * Email/password accounts: register, confirm, reset.
     *
     * @return the operations; every call fails with {@link ErrorCode#PROVIDER_NOT_FOUND} when the
     *     {@code provider-email} jar is absent, {@link ErrorCode#PROVIDER_DISABLED} when it is not enabled
     */
    EmailPasswordAuth emailPassword();

    /**
     * Listens to changes of every user of the app.
     *
     * @param listener the listener
     * @return a subscription to cancel it
     */
    Subscription addAuthChangeListener(AuthChangeListener listener);

    /** Stops the app's threads. Users stay logged in on the server. */
    @Override
    void close();
}
