package dev.latchkey.api;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A user of an {@link AuthApp}, as the Realm SDKs' {@code User}: one object per user id and app,
 * alive while the app knows the user. Thread-safe. Reads reflect the latest state; calls that
 * need the network have an {@code ...Async} twin.
 */
public interface User {

    /**
     * The user's id.
     *
     * @return the id, stable for the user's life
     */
    String id();

    /**
     * Where the user stands in this app.
     *
     * @return logged in, logged out or removed
     */
    UserState state();

    /**
     * Shorthand for {@code state() == UserState.LOGGED_IN}.
     *
     * @return whether the user is logged in
     */
    boolean isLoggedIn();

    /**
     * Whether every identity of the user is anonymous.
     *
     * @return true for an anonymous user
     */
    boolean isAnonymous();

    /**
     * The user's type.
     *
     * @return a person or a server
     */
    UserType type();

    /**
     * The provider of the user's latest log-in.
     *
     * @return the provider type, for example {@code "local-userpass"}
     */
    String providerType();

    /**
     * The user's identities, oldest first.
     *
     * @return every external account linked to the user
     */
    List<Identity> identities();

    /**
     * The profile from the latest log-in.
     *
     * @return the profile; never null
     */
    Profile profile();

    /**
     * The current access token, possibly stale; see {@link #validAccessToken()}.
     *
     * @return the token, or {@code null} when the user is not logged in
     */
    String accessToken();

    /**
     * The refresh token.
     *
     * @return the token, or {@code null} when the user is not logged in
     */
    String refreshToken();

    /**
     * The device this user's session belongs to.
     *
     * @return the device id
     */
    String deviceId();

    /**
     * The custom data the application attached to the user, as of the latest access token.
     *
     * @return JSON values; empty when there is none
     */
    Map<String, Object> customData();

    /**
     * An access token that is not about to expire: refreshes it first when needed. Concurrent
     * callers share one refresh.
     *
     * @return a valid access token
     * @throws AuthException {@link ErrorCode#INVALID_SESSION} when the session ended: the user is
     *     then logged out and listeners are told
     */
    String validAccessToken();

    /**
     * {@link #validAccessToken()} without blocking.
     *
     * @return a valid access token
     */
    CompletableFuture<String> validAccessTokenAsync();

    /**
     * Fetches the custom data again (a token refresh, as in the Realm SDKs).
     *
     * @return the fresh custom data
     * @throws AuthException {@link ErrorCode#INVALID_SESSION} when the session ended
     */
    Map<String, Object> refreshCustomData();

    /**
     * {@link #refreshCustomData()} without blocking.
     *
     * @return the fresh custom data
     */
    CompletableFuture<Map<String, Object>> refreshCustomDataAsync();

    /**
     * Links another identity to this user, so either logs in to the same user.
     *
     * @param credentials credentials of the identity to link; not anonymous
     * @return this user, with the new identity
     * @throws AuthException {@link ErrorCode#OPERATION_NOT_ALLOWED} for anonymous credentials,
     *     {@link ErrorCode#IDENTITY_IN_USE} when the identity belongs to another user
     */
    User linkCredentials(Credentials credentials);

    /**
     * {@link #linkCredentials(Credentials)} without blocking.
     *
     * @param credentials credentials of the identity to link
     * @return this user
     */
    CompletableFuture<User> linkCredentialsAsync(Credentials credentials);

    /**
     * The user's API keys.
     *
     * @return the API-key operations for this user
     */
    ApiKeyAuth apiKeys();

    /**
     * Ends the session: the refresh token is revoked on the server. A logged-out user stays in
     * {@link AuthApp#allUsers()}; an anonymous user is removed instead (it could never log in
     * again). Logging out a user that is not logged in does nothing.
     */
    void logOut();

    /**
     * {@link #logOut()} without blocking.
     *
     * @return completes when done
     */
    CompletableFuture<Void> logOutAsync();

    /**
     * Listens to changes of this user only.
     *
     * @param listener the listener
     * @return a subscription to cancel it
     */
    Subscription addChangeListener(AuthChangeListener listener);
}
