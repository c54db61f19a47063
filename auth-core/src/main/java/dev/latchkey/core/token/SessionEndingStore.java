package dev.latchkey.core.token;

import dev.latchkey.api.Identity;
import dev.latchkey.api.spi.ProviderStore;
import dev.latchkey.core.store.LinkOutcome;
import dev.latchkey.core.store.NewUser;
import dev.latchkey.core.store.Store;
import dev.latchkey.core.store.StoredSession;
import dev.latchkey.core.store.StoredSigningKey;
import dev.latchkey.core.store.StoredUser;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The engine's view of its store: every call goes to the real store, and every write that ends
 * sessions then tells the {@link VerifiedTokenCache}, so that no remembered access token outlives
 * its session in this engine. Every method of {@link Store} is overridden, defaults included, so
 * that a store's own implementation is never hidden behind an interface default. Wrapping the store, rather than calling the cache from each engine
 * method that ends sessions, means a new path that ends sessions (a provider calling
 * {@code ProviderContext.endSessions}, a sweep) cannot forget to.
 *
 * <p>The cache is told after the store has changed; see {@link VerifiedTokenCache#remember} for
 * why that order leaves no revoked token behind when a verification races the write.
 */
public final class SessionEndingStore implements Store {
    private final Store store;
    private final VerifiedTokenCache verifiedTokens;

    /**
     * Wraps a store.
     *
     * @param store the real store
     * @param verifiedTokens the cache to tell
     */
    public SessionEndingStore(Store store, VerifiedTokenCache verifiedTokens) {
        this.store = store;
        this.verifiedTokens = verifiedTokens;
    }

    @Override
    public StoredUser logInIdentity(Identity identity, NewUser newUser, Instant now) {
        return store.logInIdentity(identity, newUser, now);
    }

    @Override
    public LogIn logInIdentity(Identity identity, NewUser newUser, Instant now, StoredSession sessionOfNewUser) {
        // Delegated, not left to the interface's default: the default would open no session and cost
        // the store's one-commit log-in of a new user.
        return store.logInIdentity(identity, newUser, now, sessionOfNewUser);
    }

    @Override
    public Optional<StoredUser> findUser(String userId) {
        return store.findUser(userId);
    }

    @Override
    public Optional<StoredUser> findUserByIdentity(String providerType, String subject) {
        return store.findUserByIdentity(providerType, subject);
    }

    @Override
    public List<StoredUser> listUsers(String afterUserId, int limit) {
        return store.listUsers(afterUserId, limit);
    }

    @Override
    public LinkOutcome linkIdentity(String userId, Identity identity, Instant now) {
        return store.linkIdentity(userId, identity, now);
    }

    @Override
    public boolean unlinkIdentity(String userId, String providerType, String subject) {
        try {
            return store.unlinkIdentity(userId, providerType, subject);
        } finally {
            verifiedTokens.sessionsOfIdentityEnded(providerType, subject);
        }
    }

    @Override
    public Optional<StoredUser> deleteUser(String userId) {
        try {
            return store.deleteUser(userId);
        } finally {
            verifiedTokens.sessionsOfUserEnded(userId);
        }
    }

    @Override
    public boolean setDisabled(String userId, boolean disabled) {
        try {
            return store.setDisabled(userId, disabled);
        } finally {
            if (disabled) {
                verifiedTokens.sessionsOfUserEnded(userId);
            }
        }
    }

    @Override
    public boolean setCustomData(String userId, Map<String, Object> customData) {
        return store.setCustomData(userId, customData);
    }

    @Override
    public boolean createSession(StoredSession session) {
        return store.createSession(session);
    }

    @Override
    public Optional<StoredSession> findSessionByTokenHash(String refreshTokenHash) {
        return store.findSessionByTokenHash(refreshTokenHash);
    }

    @Override
    public Optional<StoredSession> findSession(String sessionId) {
        return store.findSession(sessionId);
    }

    @Override
    public boolean deleteSession(String sessionId) {
        try {
            return store.deleteSession(sessionId);
        } finally {
            verifiedTokens.sessionEnded(sessionId);
        }
    }

    @Override
    public int deleteSessionsOfIdentity(String providerType, String subject) {
        try {
            return store.deleteSessionsOfIdentity(providerType, subject);
        } finally {
            verifiedTokens.sessionsOfIdentityEnded(providerType, subject);
        }
    }

    @Override
    public OptionalInt deleteSessionsOfUser(String userId) {
        try {
            return store.deleteSessionsOfUser(userId);
        } finally {
            verifiedTokens.sessionsOfUserEnded(userId);
        }
    }

    @Override
    public int deleteExpiredSessions(Instant now) {
        try {
            return store.deleteExpiredSessions(now);
        } finally {
            verifiedTokens.expiredSessionsEnded(now);
        }
    }

    @Override
    public List<StoredSigningKey> signingKeys() {
        return store.signingKeys();
    }

    @Override
    public void addSigningKey(StoredSigningKey key) {
        store.addSigningKey(key);
    }

    @Override
    public boolean deleteSigningKey(String kid) {
        return store.deleteSigningKey(kid);
    }

    @Override
    public ProviderStore documents(String namespace) {
        return store.documents(namespace);
    }

    @Override
    public void close() {
        store.close();
    }
}
