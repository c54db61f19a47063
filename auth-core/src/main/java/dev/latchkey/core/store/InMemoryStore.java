package dev.latchkey.core.store;

import dev.latchkey.api.Identity;
import dev.latchkey.api.spi.ProviderStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A store that lives and dies with the process: for tests and for apps that need nothing kept.
 * One lock guards users, identities and sessions together, which makes each method atomic with
 * respect to all the others.
 */
public final class InMemoryStore implements Store {
    private final Object lock = new Object();
    /** Sorted by id, so a page of {@link #listUsers} costs its own length, not a sort of everyone. */
    private final NavigableMap<String, StoredUser> users = new TreeMap<>();
    private final Map<IdentityKey, String> ownerOfIdentity = new HashMap<>();
    private final Map<String, StoredSession> sessions = new HashMap<>();
    private final Map<String, String> sessionIdByTokenHash = new HashMap<>();
    private final List<StoredSigningKey> signingKeys = new ArrayList<>();
    private final Map<String, InMemoryDocuments> namespaces = new ConcurrentHashMap<>();

    private record IdentityKey(String providerType, String subject) {
        static IdentityKey of(Identity identity) {
            return new IdentityKey(identity.providerType(), identity.subject());
        }
    }

    @Override
    public StoredUser logInIdentity(Identity identity, NewUser newUser, Instant now) {
        synchronized (lock) {
            IdentityKey key = IdentityKey.of(identity);
            String ownerId = ownerOfIdentity.get(key);
            if (ownerId == null) {
                StoredIdentity first = new StoredIdentity(identity.providerType(), identity.subject(), identity.profile(), now, now);
                StoredUser created = new StoredUser(newUser.id(), newUser.type(), newUser.createdAt(), false, Map.of(), List.of(first));
                users.put(created.id(), created);
                ownerOfIdentity.put(key, created.id());
                return created;
            }
            StoredUser owner = users.get(ownerId);
            if (owner.alreadyShows(identity)) {
                return owner;
            }
            List<StoredIdentity> identities = new ArrayList<>();
            for (StoredIdentity i : owner.identities()) {
                boolean same = i.providerType().equals(identity.providerType()) && i.subject().equals(identity.subject());
                identities.add(same ? new StoredIdentity(i.providerType(), i.subject(), identity.profile(), i.linkedAt(), now) : i);
            }
            StoredUser updated = withIdentities(owner, identities);
            users.put(ownerId, updated);
            return updated;
        }
    }

    @Override
    public Optional<StoredUser> findUser(String userId) {
        synchronized (lock) {
            return Optional.ofNullable(users.get(userId));
        }
    }

    @Override
    public Optional<StoredUser> findUserByIdentity(String providerType, String subject) {
        synchronized (lock) {
            String ownerId = ownerOfIdentity.get(new IdentityKey(providerType, subject));
            return ownerId == null ? Optional.empty() : Optional.of(users.get(ownerId));
        }
    }

    @Override
    public List<StoredUser> listUsers(String afterUserId, int limit) {
        synchronized (lock) {
            Map<String, StoredUser> after = afterUserId == null ? users : users.tailMap(afterUserId, false);
            return after.values().stream().limit(limit).toList();
        }
    }

    @Override
    public LinkOutcome linkIdentity(String userId, Identity identity, Instant now) {
        synchronized (lock) {
            StoredUser user = users.get(userId);
            if (user == null) {
                return LinkOutcome.USER_NOT_FOUND;
            }
            IdentityKey key = IdentityKey.of(identity);
            String ownerId = ownerOfIdentity.get(key);
            if (ownerId != null) {
                return ownerId.equals(userId) ? LinkOutcome.ALREADY_LINKED : LinkOutcome.IN_USE;
            }
            List<StoredIdentity> identities = new ArrayList<>(user.identities());
            identities.add(new StoredIdentity(identity.providerType(), identity.subject(), identity.profile(), now, now));
            users.put(userId, withIdentities(user, identities));
            ownerOfIdentity.put(key, userId);
            return LinkOutcome.LINKED;
        }
    }

    @Override
    public boolean unlinkIdentity(String userId, String providerType, String subject) {
        synchronized (lock) {
            IdentityKey key = new IdentityKey(providerType, subject);
            if (!userId.equals(ownerOfIdentity.get(key))) {
                return false;
            }
            StoredUser user = users.get(userId);
            List<StoredIdentity> identities = new ArrayList<>(user.identities());
            identities.removeIf(i -> i.providerType().equals(providerType) && i.subject().equals(subject));
            users.put(userId, withIdentities(user, identities));
            ownerOfIdentity.remove(key);
            deleteSessionsOfIdentity(providerType, subject);
            return true;
        }
    }

    @Override
    public Optional<StoredUser> deleteUser(String userId) {
        synchronized (lock) {
            StoredUser user = users.remove(userId);
            if (user == null) {
                return Optional.empty();
            }
            for (StoredIdentity i : user.identities()) {
                ownerOfIdentity.remove(new IdentityKey(i.providerType(), i.subject()));
            }
            deleteSessionsOf(userId);
            return Optional.of(user);
        }
    }

    @Override
    public boolean setDisabled(String userId, boolean disabled) {
        synchronized (lock) {
            StoredUser user = users.get(userId);
            if (user == null) {
                return false;
            }
            users.put(userId, new StoredUser(user.id(), user.type(), user.createdAt(), disabled, user.customData(), user.identities()));
            if (disabled) {
                deleteSessionsOf(userId);
            }
            return true;
        }
    }

    @Override
    public boolean setCustomData(String userId, Map<String, Object> customData) {
        synchronized (lock) {
            StoredUser user = users.get(userId);
            if (user == null) {
                return false;
            }
            users.put(userId, new StoredUser(user.id(), user.type(), user.createdAt(), user.disabled(), customData, user.identities()));
            return true;
        }
    }

    @Override
    public boolean createSession(StoredSession session) {
        synchronized (lock) {
            StoredUser user = users.get(session.userId());
            boolean identityStillTheirs =
                    session.userId().equals(ownerOfIdentity.get(new IdentityKey(session.providerType(), session.subject())));
            if (user == null || user.disabled() || !identityStillTheirs) {
                return false;
            }
            sessions.put(session.id(), session);
            sessionIdByTokenHash.put(session.refreshTokenHash(), session.id());
            return true;
        }
    }

    @Override
    public Optional<StoredSession> findSessionByTokenHash(String refreshTokenHash) {
        synchronized (lock) {
            String id = sessionIdByTokenHash.get(refreshTokenHash);
            return id == null ? Optional.empty() : Optional.of(sessions.get(id));
        }
    }

    @Override
    public Optional<StoredSession> findSession(String sessionId) {
        synchronized (lock) {
            return Optional.ofNullable(sessions.get(sessionId));
        }
    }

    @Override
    public boolean deleteSession(String sessionId) {
        synchronized (lock) {
            StoredSession removed = sessions.remove(sessionId);
            if (removed != null) {
                sessionIdByTokenHash.remove(removed.refreshTokenHash());
            }
            return removed != null;
        }
    }

    @Override
    public int deleteSessionsOfIdentity(String providerType, String subject) {
        synchronized (lock) {
            List<String> ids = sessions.values().stream()
                    .filter(s -> s.providerType().equals(providerType) && s.subject().equals(subject))
                    .map(StoredSession::id).toList();
            ids.forEach(this::deleteSession);
            return ids.size();
        }
    }

    @Override
    public OptionalInt deleteSessionsOfUser(String userId) {
        synchronized (lock) {
            if (!users.containsKey(userId)) {
                return OptionalInt.empty();
            }
            return OptionalInt.of(deleteSessionsOf(userId));
        }
    }

    @Override
    public int deleteExpiredSessions(Instant now) {
        synchronized (lock) {
            List<String> expired = sessions.values().stream().filter(s -> s.expiresAt().isBefore(now)).map(StoredSession::id).toList();
            expired.forEach(this::deleteSession);
            return expired.size();
        }
    }

    @Override
    public List<StoredSigningKey> signingKeys() {
        synchronized (lock) {
            return List.copyOf(signingKeys);
        }
    }

    @Override
    public void addSigningKey(StoredSigningKey key) {
        synchronized (lock) {
            signingKeys.removeIf(k -> k.kid().equals(key.kid()));
            signingKeys.add(key);
            signingKeys.sort((a, b) -> a.createdAt().compareTo(b.createdAt()));
        }
    }

    @Override
    public boolean deleteSigningKey(String kid) {
        synchronized (lock) {
            return signingKeys.removeIf(k -> k.kid().equals(kid));
        }
    }

    @Override
    public ProviderStore documents(String namespace) {
        return namespaces.computeIfAbsent(namespace, n -> new InMemoryDocuments());
    }

    @Override
    public void close() {
        // nothing to release
    }

    private int deleteSessionsOf(String userId) {
        List<String> ids = sessions.values().stream().filter(s -> s.userId().equals(userId)).map(StoredSession::id).toList();
        ids.forEach(this::deleteSession);
        return ids.size();
    }

    private static StoredUser withIdentities(StoredUser user, List<StoredIdentity> identities) {
        return new StoredUser(user.id(), user.type(), user.createdAt(), user.disabled(), user.customData(), identities);
    }
}
