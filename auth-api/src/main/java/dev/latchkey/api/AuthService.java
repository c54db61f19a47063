package dev.latchkey.api;

import java.util.Map;
import java.util.Optional;

/**
 * The server side of Latchkey: the engine that checks credentials, keeps users and sessions,
 * issues and verifies tokens. For code that serves many users at once (an HTTP front end, a
 * backend that verifies access tokens). Built once and shared; thread-safe. Its calls are the
 * trusted, administrative view: callers check who may call them.
 */
public interface AuthService extends AutoCloseable {

    /**
     * The app's id: the audience of every access token.
     *
     * @return the id
     */
    String appId();

    /**
     * Logs a user in on a new device. See {@link #logIn(Credentials, String)}.
     *
     * @param credentials what the user presents
     * @return the new session
     */
    Session logIn(Credentials credentials);

    /**
     * Verifies the credentials with their provider; finds the user with that identity, or
     * creates one (exactly one, however many log-ins race); opens a session.
     *
     * @param credentials what the user presents
     * @param deviceId the device's id (1-64 letters, digits, '_' or '-'), or null for a new one
     * @return the new session
     * @throws AuthException {@link ErrorCode#PROVIDER_NOT_FOUND}, {@link ErrorCode#PROVIDER_DISABLED},
     *     {@link ErrorCode#INVALID_CREDENTIALS}, {@link ErrorCode#MALFORMED},
     *     {@link ErrorCode#USER_DISABLED}, {@link ErrorCode#RATE_LIMITED}, or what the provider raises
     */
    Session logIn(Credentials credentials, String deviceId);

    /**
     * Logs a user in on behalf of a client whose network address is known, so that the log-in
     * throttle counts failures per account <em>and source</em>: an attacker guessing a password
     * from elsewhere then cannot slow the account's owner down. An HTTP front end passes the
     * client's address; the other {@code logIn} methods pass no source.
     *
     * @param credentials what the user presents
     * @param deviceId the device's id, or null for a new one
     * @param source where the attempt comes from (a client IP address), or null when unknown
     * @return the new session
     * @throws AuthException as {@link #logIn(Credentials, String)}, and {@link ErrorCode#RATE_LIMITED}
     *     with {@link AuthException#retryAfter()} after too many failures
     */
    Session logIn(Credentials credentials, String deviceId, String source);

    /**
     * Email/password accounts: register, confirm, reset.
     *
     * @return the operations; every call fails with {@link ErrorCode#PROVIDER_NOT_FOUND} or
     *     {@link ErrorCode#PROVIDER_DISABLED} when the {@code local-userpass} provider is absent or off
     */
    EmailPasswordAuth emailPassword();

    /**
     * Links another identity to the user of an access token.
     *
     * @param accessToken a valid access token of the user
     * @param credentials credentials of the identity to link; not anonymous
     * @return the user with the new identity
     * @throws AuthException {@link ErrorCode#INVALID_SESSION}, {@link ErrorCode#OPERATION_NOT_ALLOWED}
     *     for anonymous credentials, {@link ErrorCode#IDENTITY_IN_USE} when another user has the identity
     */
    UserInfo linkCredentials(String accessToken, Credentials credentials);

    /**
     * A new access token for a session. The refresh token itself is not renewed.
     *
     * @param refreshToken the session's refresh token
     * @return the session with a new access token and the user as it is now
     * @throws AuthException {@link ErrorCode#INVALID_SESSION} when the token is unknown, expired
     *     or revoked, or the user is disabled or deleted
     */
    Session refresh(String refreshToken);

    /**
     * Ends a session: its refresh token is refused from now on, and so are its access tokens.
     * An unknown token is ignored.
     *
     * @param refreshToken the session's refresh token
     */
    void logOut(String refreshToken);

    /**
     * Checks an access token: signature with one of the app's keys, algorithm, type, issuer,
     * audience, lifetime, and that its session was not ended.
     *
     * @param accessToken the compact JWT
     * @return its claims
     * @throws AuthException {@link ErrorCode#MALFORMED} when it is not a JWT at all,
     *     {@link ErrorCode#INVALID_SESSION} otherwise
     */
    VerifiedToken verify(String accessToken);

    /**
     * The public keys that sign access tokens, as a JWK Set, so other services can verify
     * tokens themselves. Keys retired by rotation stay until their tokens have expired.
     *
     * @return the JWK Set JSON
     */
    String jwks();

    /**
     * Publishes a new signing key now and signs with it from a minute later, once every engine
     * sharing the store has had time to learn it; the old key stays published until its tokens
     * expire.
     */
    void rotateSigningKey();

    /**
     * Looks a user up.
     *
     * @param userId the user's id
     * @return the user, or empty when there is none
     */
    Optional<UserInfo> findUser(String userId);

    /**
     * Looks up the user an identity belongs to: who owns an external account, or a server API key
     * ({@code findUserByIdentity("api-key", key.id())}), so an operator can revoke it.
     *
     * @param providerType the identity's provider
     * @param subject the identity's subject (for an API key, its id)
     * @return the user, or empty when no user has the identity
     */
    Optional<UserInfo> findUserByIdentity(String providerType, String subject);

    /** The most users one page of {@link #listUsers(String, int)} holds. */
    int MAX_PAGE_SIZE = 1_000;

    /**
     * Lists users a page at a time, in ascending order of their ids (as {@link String#compareTo}
     * orders them: user ids are ASCII). Start with a null cursor and pass each page's
     * {@link UserPage#next()} to get the one after it, until it is empty. Every user that exists
     * for the whole walk is seen exactly once; users created or deleted meanwhile may or may not be.
     *
     * @param afterUserId the cursor: the page holds users whose id sorts after it; null for the
     *     first page. Any text is taken literally, so a cursor that is not a user id is no error
     * @param limit the most users on the page, 1 to {@value #MAX_PAGE_SIZE}
     * @return the page
     * @throws AuthException {@link ErrorCode#INVALID_PARAMETER} when the limit is out of range
     */
    UserPage listUsers(String afterUserId, int limit);

    /**
     * Ends every session of a user at once: their refresh tokens and the access tokens issued
     * for them are refused from now on, as after {@link #logOut(String)} of each. The user stays
     * enabled and may log in again; a log-in that completes after this call opens a new session.
     * A refresh racing this call never leaves a session alive.
     *
     * @param userId the user's id
     * @return how many sessions ended
     * @throws AuthException {@link ErrorCode#USER_NOT_FOUND}
     */
    int revokeSessions(String userId);

    /**
     * Deletes a user, its identities, sessions and provider records, for good.
     *
     * @param userId the user's id
     * @throws AuthException {@link ErrorCode#USER_NOT_FOUND}
     */
    void deleteUser(String userId);

    /**
     * Disables a user: its sessions end and it cannot log in until enabled.
     *
     * @param userId the user's id
     * @throws AuthException {@link ErrorCode#USER_NOT_FOUND}
     */
    void disableUser(String userId);

    /**
     * Lets a disabled user log in again.
     *
     * @param userId the user's id
     * @throws AuthException {@link ErrorCode#USER_NOT_FOUND}
     */
    void enableUser(String userId);

    /**
     * Replaces a user's custom data. It travels in the access token's {@code user_data} claim,
     * so clients see it at their next refresh.
     *
     * @param userId the user's id
     * @param customData JSON values; at most a few kilobytes once serialized
     * @throws AuthException {@link ErrorCode#USER_NOT_FOUND}, {@link ErrorCode#INVALID_PARAMETER}
     *     when it is too large or not JSON
     */
    void setCustomData(String userId, Map<String, ?> customData);

    /**
     * The API keys of a user.
     *
     * @param userId the user's id
     * @return the user's API-key operations
     */
    ApiKeyAuth apiKeys(String userId);

    /**
     * Creates a server API key, and with it a new user of type {@link UserType#SERVER} that the
     * key logs in as.
     *
     * @param name the key's name
     * @return the key, with its value (shown this once)
     */
    ApiKey createServerApiKey(String name);

    /** Stops the engine's threads and releases its store. */
    @Override
    void close();
}
