package dev.latchkey.core.store;

import dev.latchkey.api.Identity;
import dev.latchkey.api.spi.ProviderStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where the engine keeps users, identities, sessions, signing keys and provider records. Every
 * method is atomic: concurrent callers, in one process or (for shared databases) many, never see
 * a half-made change. Implementations: in memory (here), H2 and PostgreSQL (later), all held to
 * the same contract test.
 */
public interface Store extends AutoCloseable {

    /**
     * Finds the user that has this identity, or creates {@code newUser} with it: exactly one user
     * per identity however many log-ins race. Records the identity's new profile and log-in time,
     * which makes it the user's latest identity (the one whose profile the user shows); a log-in
     * that would change neither ({@link StoredUser#alreadyShows}) writes nothing, so the log-in
     * time is that of the last log-in that changed something.
     *
     * @param identity the identity a provider vouched for
     * @param newUser the user to create when the identity is new
     * @param now the time of the log-in
     * @return the user, with its identities
     */
    StoredUser logInIdentity(Identity identity, NewUser newUser, Instant now);

    /**
     * {@link #logInIdentity(Identity, NewUser, Instant)}, and when that creates the user, also
     * opens {@code sessionOfNewUser} in the same atomic step. A user made by the log-in is new,
     * enabled and owns only this identity, so every check of {@link #createSession} holds; doing
     * both at once spares a database a second commit per new user (an anonymous log-in is one).
     * A log-in that finds its user opens no session here: the caller opens it with
     * {@link #createSession}, which checks the user it found.
     *
     * <p>The default opens nothing, so a store that does not override it behaves as before.
     *
     * @param identity the identity a provider vouched for
     * @param newUser the user to create when the identity is new
     * @param now the time of the log-in
     * @param sessionOfNewUser a session of {@code newUser} (its user id), opened only with it
     * @return the user, and whether the session was opened
     * @throws IllegalArgumentException when the session is not {@code newUser}'s
     */
    default LogIn logInIdentity(Identity identity, NewUser newUser, Instant now, StoredSession sessionOfNewUser) {
        if (!sessionOfNewUser.userId().equals(newUser.id())) {
            throw new IllegalArgumentException("the session is not the new user's");
        }
        return new LogIn(logInIdentity(identity, newUser, now), false);
    }

    /**
     * What {@link #logInIdentity(Identity, NewUser, Instant, StoredSession)} did.
     *
     * @param user the user, with its identities
     * @param sessionOpened whether the new user's session was opened with it
     */
    record LogIn(StoredUser user, boolean sessionOpened) {
    }

    /**
     * Finds a user.
     *
     * @param userId the id
     * @return the user, or empty
     */
    Optional<StoredUser> findUser(String userId);

    /**
     * Finds the user that has an identity.
     *
     * @param providerType the provider
     * @param subject the account's id at the provider
     * @return the user, or empty
     */
    Optional<StoredUser> findUserByIdentity(String providerType, String subject);

    /**
     * A page of users in ascending order of id, as {@link String#compareTo} orders them. Each
     * user comes whole, with all its identities, as one consistent view.
     *
     * @param afterUserId only users whose id sorts after this text, or null for the first page;
     *     any text (SQL, NUL, thousands of characters) is a literal
     * @param limit the most users returned, at least 1
     * @return the users, ascending by id
     */
    List<StoredUser> listUsers(String afterUserId, int limit);

    /**
     * Adds an identity to a user.
     *
     * @param userId the user
     * @param identity the identity
     * @param now the time
     * @return what happened
     */
    LinkOutcome linkIdentity(String userId, Identity identity, Instant now);

    /**
     * Removes an identity from a user and, in the same step, ends the sessions it opened (a
     * deleted API key's sessions must not go on refreshing).
     *
     * @param userId the user
     * @param providerType the identity's provider
     * @param subject the identity's subject
     * @return true if the user had it
     */
    boolean unlinkIdentity(String userId, String providerType, String subject);

    /**
     * Deletes a user with its identities and sessions.
     *
     * @param userId the user
     * @return the deleted user, or empty when there was none
     */
    Optional<StoredUser> deleteUser(String userId);

    /**
     * Disables or enables a user. Disabling also deletes its sessions, in the same step.
     *
     * @param userId the user
     * @param disabled the new state
     * @return false when there is no such user
     */
    boolean setDisabled(String userId, boolean disabled);

    /**
     * Replaces a user's custom data.
     *
     * @param userId the user
     * @param customData JSON values
     * @return false when there is no such user
     */
    boolean setCustomData(String userId, Map<String, Object> customData);

    /**
     * Opens a session, only if at that moment its user exists, is not disabled, and still owns
     * the identity that opened it: a session never outlives the deletion or disabling of its user,
     * nor the unlinking of its identity (a deleted API key).
     *
     * @param session the session
     * @return false when the user is gone or disabled, or the identity is no longer the user's
     */
    boolean createSession(StoredSession session);

    /**
     * Finds a session by the hash of its refresh token.
     *
     * @param refreshTokenHash the hash
     * @return the session, or empty
     */
    Optional<StoredSession> findSessionByTokenHash(String refreshTokenHash);

    /**
     * Finds a session by id.
     *
     * @param sessionId the id
     * @return the session, or empty
     */
    Optional<StoredSession> findSession(String sessionId);

    /**
     * Ends a session.
     *
     * @param sessionId the id
     * @return true if it existed
     */
    boolean deleteSession(String sessionId);

    /**
     * Ends every session opened with one identity (for example a deleted or disabled API key).
     *
     * @param providerType the identity's provider
     * @param subject the identity's subject
     * @return how many ended
     */
    int deleteSessionsOfIdentity(String providerType, String subject);

    /**
     * Ends every session of a user, in one step: a session being opened at the same moment is
     * either ended too or opened after (and kept).
     *
     * @param userId the user
     * @return how many ended, or empty when there is no such user
     */
    OptionalInt deleteSessionsOfUser(String userId);

    /**
     * Removes sessions whose refresh token expired before {@code now}.
     *
     * @param now the time
     * @return how many were removed
     */
    int deleteExpiredSessions(Instant now);

    /**
     * The signing keys, oldest first.
     *
     * @return the keys
     */
    List<StoredSigningKey> signingKeys();

    /**
     * Adds a signing key.
     *
     * @param key the key
     */
    void addSigningKey(StoredSigningKey key);

    /**
     * Removes a signing key.
     *
     * @param kid its id
     * @return true if it existed
     */
    boolean deleteSigningKey(String kid);

    /**
     * A provider's document store.
     *
     * @param namespace the provider type
     * @return the provider's documents, isolated from every other namespace
     */
    ProviderStore documents(String namespace);

    /** Releases connections; the store is unusable afterwards. */
    @Override
    void close();
}
