package dev.latchkey.core.client;

import dev.latchkey.api.ApiKey;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.EmailPasswordAuth;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Session;
import dev.latchkey.api.UserInfo;
import java.util.List;

/**
 * What a {@link DefaultAuthApp} needs from the server side, in a client's terms: every call that
 * acts for a user carries that user's tokens, never an administrator's power. Two implementations:
 * the in-process engine (an {@link dev.latchkey.api.AuthService}, adapted by {@code EngineBackend})
 * and an {@code auth-server} over HTTP ({@code dev.latchkey.core.remote}).
 *
 * <p>An implementation is stateless per user and thread-safe. It reports a token the server
 * refuses as {@link ErrorCode#INVALID_SESSION}; the app, not the backend, decides to refresh and
 * retry, once, so the refresh is single-flight per user and the session cache hears of it.
 */
public interface AuthBackend extends AutoCloseable {

    /**
     * The app's id, known without asking the server.
     *
     * @return the id
     */
    String appId();

    /**
     * Email/password accounts (register, confirm, reset); they need no session.
     *
     * @return the operations
     */
    EmailPasswordAuth emailPassword();

    /**
     * Logs in and returns the new session with the user as the server knows it.
     *
     * @param credentials what the user presents
     * @param deviceId the app's device id
     * @return the session
     * @throws AuthException with the server's error code
     */
    Session logIn(Credentials credentials, String deviceId);

    /**
     * A new access token for a session; the refresh token stays.
     *
     * @param refreshToken the session's refresh token
     * @param known the user as the app knows it, for the parts a refresh does not carry
     * @return the session with its new access token and the user as it is now
     * @throws AuthException {@link ErrorCode#INVALID_SESSION} when the session is over
     */
    Session refresh(String refreshToken, UserInfo known);

    /**
     * Ends a session on the server; an unknown token is ignored.
     *
     * @param refreshToken the session's refresh token
     */
    void logOut(String refreshToken);

    /**
     * Links another identity to the user of a session.
     *
     * @param tokens the user's tokens
     * @param credentials the identity to link
     * @param known the user as the app knows it
     * @return the user with the new identity
     */
    UserInfo linkCredentials(SessionTokens tokens, Credentials credentials, UserInfo known);

    /**
     * Deletes the user of a session, for good, as the user itself asks.
     *
     * @param tokens the user's tokens
     */
    void deleteUser(SessionTokens tokens);

    /**
     * Ends an anonymous user's session and deletes the user on the server, best effort: nothing
     * can ever log in to an anonymous user again. Failures are the caller's to log.
     *
     * @param userId the user's id
     * @param tokens the tokens of its (locally already ended) session
     */
    void endAnonymousUser(String userId, SessionTokens tokens);

    /**
     * Creates an API key for the user of a session.
     *
     * @param tokens the user's tokens
     * @param name the key's name
     * @return the key, with its value
     */
    ApiKey createApiKey(SessionTokens tokens, String name);

    /**
     * One API key of the user of a session.
     *
     * @param tokens the user's tokens
     * @param id the key's id
     * @return the key, without its value
     */
    ApiKey fetchApiKey(SessionTokens tokens, String id);

    /**
     * All API keys of the user of a session.
     *
     * @param tokens the user's tokens
     * @return the keys, without their values
     */
    List<ApiKey> fetchApiKeys(SessionTokens tokens);

    /**
     * Enables or disables an API key of the user of a session.
     *
     * @param tokens the user's tokens
     * @param id the key's id
     * @param enabled true to enable
     */
    void enableApiKey(SessionTokens tokens, String id, boolean enabled);

    /**
     * Deletes an API key of the user of a session.
     *
     * @param tokens the user's tokens
     * @param id the key's id
     */
    void deleteApiKey(SessionTokens tokens, String id);

    /** Releases what the backend holds (threads, connections; the engine when the app owns it). */
    @Override
    void close();
}
