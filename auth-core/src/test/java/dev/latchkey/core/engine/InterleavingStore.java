package dev.latchkey.core.engine;

import dev.latchkey.api.Identity;
import dev.latchkey.api.spi.ProviderStore;
import dev.latchkey.core.store.InMemoryStore;
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
 * An in-memory store that runs a test's action just before it opens a session (or just after it
 * has looked one up), to put another caller's change exactly between a log-in's checks and its
 * session (or between a token check's session look-up and its caching) — the window a race would hit
 * once in many thousand runs, here hit every time.
 */
final class InterleavingStore implements Store {
    private final InMemoryStore delegate = new InMemoryStore();
    private volatile Runnable beforeCreateSession = () -> { };
    private volatile Runnable afterFindSession = () -> { };

    /** Runs {@code action} once, before the next session is opened. */
    void beforeNextSession(Runnable action) {
        beforeCreateSession = () -> {
            beforeCreateSession = () -> { };
            action.run();
        };
    }

    /** Runs {@code action} once, after the next look-up of a session by id has read the store. */
    void afterNextFindSession(Runnable action) {
        afterFindSession = () -> {
            afterFindSession = () -> { };
            action.run();
        };
    }

    @Override
    public boolean createSession(StoredSession session) {
        beforeCreateSession.run();
        return delegate.createSession(session);
    }

    @Override
    public StoredUser logInIdentity(Identity identity, NewUser newUser, Instant now) {
        return delegate.logInIdentity(identity, newUser, now);
    }

    @Override
    public Optional<StoredUser> findUser(String userId) {
        return delegate.findUser(userId);
    }

    @Override
    public Optional<StoredUser> findUserByIdentity(String providerType, String subject) {
        return delegate.findUserByIdentity(providerType, subject);
    }

    @Override
    public List<StoredUser> listUsers(String afterUserId, int limit) {
        return delegate.listUsers(afterUserId, limit);
    }

    @Override
    public LinkOutcome linkIdentity(String userId, Identity identity, Instant now) {
        return delegate.linkIdentity(userId, identity, now);
    }

    @Override
    public boolean unlinkIdentity(String userId, String providerType, String subject) {
        return delegate.unlinkIdentity(userId, providerType, subject);
    }

    @Override
    public Optional<StoredUser> deleteUser(String userId) {
        return delegate.deleteUser(userId);
    }

    @Override
    public boolean setDisabled(String userId, boolean disabled) {
        return delegate.setDisabled(userId, disabled);
    }

    @Override
    public boolean setCustomData(String userId, Map<String, Object> customData) {
        return delegate.setCustomData(userId, customData);
    }

    @Override
    public Optional<StoredSession> findSessionByTokenHash(String refreshTokenHash) {
        return delegate.findSessionByTokenHash(refreshTokenHash);
    }

    @Override
    public Optional<StoredSession> findSession(String sessionId) {
        Optional<StoredSession> found = delegate.findSession(sessionId);
        afterFindSession.run();
        return found;
    }

    @Override
    public boolean deleteSession(String sessionId) {
        return delegate.deleteSession(sessionId);
    }

    @Override
    public int deleteSessionsOfIdentity(String providerType, String subject) {
        return delegate.deleteSessionsOfIdentity(providerType, subject);
    }

    @Override
    public OptionalInt deleteSessionsOfUser(String userId) {
        return delegate.deleteSessionsOfUser(userId);
    }

    @Override
    public int deleteExpiredSessions(Instant now) {
        return delegate.deleteExpiredSessions(now);
    }

    @Override
    public List<StoredSigningKey> signingKeys() {
        return delegate.signingKeys();
    }

    @Override
    public void addSigningKey(StoredSigningKey key) {
        delegate.addSigningKey(key);
    }

    @Override
    public boolean deleteSigningKey(String kid) {
        return delegate.deleteSigningKey(kid);
    }

    @Override
    public ProviderStore documents(String namespace) {
        return delegate.documents(namespace);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
