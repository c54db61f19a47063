package dev.latchkey.core.store.jdbc;

import dev.latchkey.api.Identity;
import dev.latchkey.api.UserType;
import dev.latchkey.api.spi.ProviderStore;
import dev.latchkey.core.store.LinkOutcome;
import dev.latchkey.core.store.NewUser;
import dev.latchkey.core.store.Store;
import dev.latchkey.core.store.StoredIdentity;
import dev.latchkey.core.store.StoredSession;
import dev.latchkey.core.store.StoredSigningKey;
import dev.latchkey.core.store.StoredUser;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store on a relational database (H2 or PostgreSQL), through a connection pool. Every method
 * is one transaction. Methods that must be atomic against each other lock the same rows in the
 * same order: the user's row first ({@code SELECT ... FOR UPDATE}), then its identities, then
 * its sessions; so a session is never created for a user that a concurrent transaction is
 * deleting or disabling, on one engine or on many sharing the database (on H2 too: the engines of
 * one process can share a file, each with its own {@link Database}, so the row locks are needed
 * there as well).
 *
 * <p>Opened by {@link JdbcStores}, which also migrates the schema.
 */
public final class JdbcStore implements Store {
    private static final String USER_COLUMNS = "u.id, u.user_type, u.created_at, u.disabled, u.custom_data, "
            + "i.provider_type, i.subject, i.profile, i.linked_at, i.last_login_at";
    private static final String USER_JOIN = " FROM latchkey_users u LEFT JOIN latchkey_identities i ON i.user_id = u.id ";
    private static final String USER_ORDER = " ORDER BY i.linked_at, i.seq";
    private static final String SESSION_COLUMNS =
            "id, user_id, device_id, provider_type, subject, refresh_token_hash, created_at, expires_at";

    /** How many expired sessions one transaction removes. */
    static final int EXPIRY_BATCH = 1000;

    private final Database db;
    private final AutoCloseable pool;
    private final Map<String, JdbcDocuments> namespaces = new ConcurrentHashMap<>();

    JdbcStore(Database db, AutoCloseable pool) {
        this.db = db;
        this.pool = pool;
    }

    // --- users and identities ---

    @Override
    public StoredUser logInIdentity(Identity identity, NewUser newUser, Instant now) {
        return logIn(identity, newUser, now, null).user();
    }

    @Override
    public LogIn logInIdentity(Identity identity, NewUser newUser, Instant now, StoredSession sessionOfNewUser) {
        if (!sessionOfNewUser.userId().equals(newUser.id())) {
            throw new IllegalArgumentException("the session is not the new user's");
        }
        return logIn(identity, newUser, now, sessionOfNewUser);
    }

    /** Finds or makes the identity's user; a user it makes gets {@code sessionOfNewUser} too, unless that is null. */
    private LogIn logIn(Identity identity, NewUser newUser, Instant now, StoredSession sessionOfNewUser) {
        return db.transaction("log in an identity", c -> {
            String owner = lockIdentityOwner(c, identity.providerType(), identity.subject());
            if (owner != null) {
                Optional<StoredUser> user = loadUser(c, owner);
                if (user.isPresent() && user.get().alreadyShows(identity)) {
                    // Nothing to write: on H2 every commit that writes rewrites pages of the file
                    // (issue #10), and a returning user logs in with the same identity and profile
                    // again and again.
                    return new LogIn(user.get(), false);
                }
                if (user.isPresent() && touchIdentity(c, identity, now)) {
                    return new LogIn(loadUser(c, owner).orElseThrow(), false);
                }
            }
            // New, or deleted with its user since: make the user. A racing first log-in that
            // inserts the identity first makes ours fail on the key; Database runs us again and
            // we find its user.
            update(c, "INSERT INTO latchkey_users (id, user_type, created_at, disabled, custom_data) VALUES (?, ?, ?, FALSE, '{}')",
                    newUser.id(), newUser.type().name(), Columns.micros(newUser.createdAt()));
            insertIdentity(c, newUser.id(), identity, now);
            // Nobody else can see the user before we commit, so it is enabled and owns the identity:
            // createSession's checks hold without its locks.
            if (sessionOfNewUser != null) {
                insertSession(c, sessionOfNewUser);
            }
            return new LogIn(loadUser(c, newUser.id()).orElseThrow(), sessionOfNewUser != null);
        });
    }

    @Override
    public Optional<StoredUser> findUser(String userId) {
        return db.transaction("find a user", c -> loadUser(c, userId));
    }

    @Override
    public Optional<StoredUser> findUserByIdentity(String providerType, String subject) {
        return db.transaction("find a user by identity", c -> users(c, "SELECT " + USER_COLUMNS + USER_JOIN
                + "WHERE u.id = (SELECT user_id FROM latchkey_identities WHERE provider_type = ? AND subject = ?)" + USER_ORDER,
                providerType, subject));
    }

    @Override
    public List<StoredUser> listUsers(String afterUserId, int limit) {
        Dialect dialect = db.dialect();
        String id = dialect.inCodeOrder("id");
        // One statement, so the page is one consistent view even while users come and go: the
        // page's ids (by the primary key, or on PostgreSQL the "C" index of V2), joined with
        // their users and identities.
        String page = "SELECT id FROM latchkey_users" + (afterUserId == null ? "" : " WHERE " + id + " > ?")
                + " ORDER BY " + id + " LIMIT ?";
        String sql = "SELECT " + USER_COLUMNS + " FROM (" + page + ") p JOIN latchkey_users u ON u.id = p.id"
                + " LEFT JOIN latchkey_identities i ON i.user_id = u.id"
                + " ORDER BY " + dialect.inCodeOrder("u.id") + ", i.linked_at, i.seq";
        Object[] args = afterUserId == null ? new Object[] {limit}
                : new Object[] {dialect.comparableLiteral(afterUserId), limit};
        return db.transaction("list users", c -> {
            try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
                List<StoredUser> users = new ArrayList<>();
                boolean more = rs.next();
                while (more) {
                    UserRows user = readUser(rs);
                    users.add(user.user());
                    more = user.more();
                }
                return List.copyOf(users);
            }
        });
    }

    @Override
    public LinkOutcome linkIdentity(String userId, Identity identity, Instant now) {
        return db.transaction("link an identity", c -> {
            if (lockUser(c, userId) == null) {
                return LinkOutcome.USER_NOT_FOUND;
            }
            String owner = lockIdentityOwner(c, identity.providerType(), identity.subject());
            if (owner != null) {
                return owner.equals(userId) ? LinkOutcome.ALREADY_LINKED : LinkOutcome.IN_USE;
            }
            insertIdentity(c, userId, identity, now);
            return LinkOutcome.LINKED;
        });
    }

    @Override
    public boolean unlinkIdentity(String userId, String providerType, String subject) {
        return db.transaction("unlink an identity", c -> {
            if (lockUser(c, userId) == null) {
                return false;
            }
            if (update(c, "DELETE FROM latchkey_identities WHERE provider_type = ? AND subject = ? AND user_id = ?",
                    providerType, subject, userId) == 0) {
                return false;
            }
            update(c, "DELETE FROM latchkey_sessions WHERE provider_type = ? AND subject = ?", providerType, subject);
            return true;
        });
    }

    @Override
    public Optional<StoredUser> deleteUser(String userId) {
        return db.transaction("delete a user", c -> {
            if (lockUser(c, userId) == null) {
                return Optional.empty();
            }
            Optional<StoredUser> user = loadUser(c, userId);
            update(c, "DELETE FROM latchkey_sessions WHERE user_id = ?", userId);
            update(c, "DELETE FROM latchkey_identities WHERE user_id = ?", userId);
            update(c, "DELETE FROM latchkey_users WHERE id = ?", userId);
            return user;
        });
    }

    @Override
    public boolean setDisabled(String userId, boolean disabled) {
        return db.transaction("disable or enable a user", c -> {
            if (lockUser(c, userId) == null) {
                return false;
            }
            update(c, "UPDATE latchkey_users SET disabled = ? WHERE id = ?", disabled, userId);
            if (disabled) {
                update(c, "DELETE FROM latchkey_sessions WHERE user_id = ?", userId);
            }
            return true;
        });
    }

    @Override
    public boolean setCustomData(String userId, Map<String, Object> customData) {
        String json = Columns.customData(customData);
        return db.transaction("set custom data",
                c -> update(c, "UPDATE latchkey_users SET custom_data = ? WHERE id = ?", json, userId) > 0);
    }

    // --- sessions ---

    @Override
    public boolean createSession(StoredSession s) {
        return db.transaction("open a session", c -> {
            Boolean disabled = lockUser(c, s.userId());
            if (disabled == null || disabled) {
                return false;
            }
            if (!s.userId().equals(identityOwner(c, s.providerType(), s.subject()))) {
                return false;
            }
            insertSession(c, s);
            return true;
        });
    }

    @Override
    public Optional<StoredSession> findSessionByTokenHash(String refreshTokenHash) {
        return db.transaction("find a session",
                c -> session(c, "SELECT " + SESSION_COLUMNS + " FROM latchkey_sessions WHERE refresh_token_hash = ?", refreshTokenHash));
    }

    @Override
    public Optional<StoredSession> findSession(String sessionId) {
        return db.transaction("find a session",
                c -> session(c, "SELECT " + SESSION_COLUMNS + " FROM latchkey_sessions WHERE id = ?", sessionId));
    }

    @Override
    public boolean deleteSession(String sessionId) {
        return db.transaction("end a session", c -> update(c, "DELETE FROM latchkey_sessions WHERE id = ?", sessionId) > 0);
    }

    @Override
    public int deleteSessionsOfIdentity(String providerType, String subject) {
        return db.transaction("end an identity's sessions",
                c -> update(c, "DELETE FROM latchkey_sessions WHERE provider_type = ? AND subject = ?", providerType, subject));
    }

    @Override
    public OptionalInt deleteSessionsOfUser(String userId) {
        // The user's row first, as createSession locks it: a session being opened either
        // committed before this (and is deleted here) or waits and is opened after.
        return db.transaction("end a user's sessions", c -> lockUser(c, userId) == null ? OptionalInt.empty()
                : OptionalInt.of(update(c, "DELETE FROM latchkey_sessions WHERE user_id = ?", userId)));
    }

    @Override
    public int deleteExpiredSessions(Instant now) {
        // In batches, each its own short transaction: a million sessions expiring together must
        // not become one transaction that holds their locks and its log for minutes.
        long cutoff = Columns.micros(now);
        int total = 0;
        int removed;
        do {
            removed = db.transaction("remove expired sessions", c -> update(c, "DELETE FROM latchkey_sessions WHERE id IN"
                    + " (SELECT id FROM latchkey_sessions WHERE expires_at < ? LIMIT " + EXPIRY_BATCH + ")", cutoff));
            total += removed;
        } while (removed == EXPIRY_BATCH);
        return total;
    }

    // --- signing keys ---

    @Override
    public List<StoredSigningKey> signingKeys() {
        return db.transaction("read the signing keys", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT kid, jwk, created_at FROM latchkey_signing_keys ORDER BY created_at, kid");
                 ResultSet rs = ps.executeQuery()) {
                List<StoredSigningKey> keys = new ArrayList<>();
                while (rs.next()) {
                    keys.add(new StoredSigningKey(rs.getString(1), rs.getString(2), Columns.instant(rs.getLong(3))));
                }
                return List.copyOf(keys);
            }
        });
    }

    @Override
    public void addSigningKey(StoredSigningKey key) {
        db.transaction("add a signing key", c -> {
            update(c, "DELETE FROM latchkey_signing_keys WHERE kid = ?", key.kid());
            return update(c, "INSERT INTO latchkey_signing_keys (kid, jwk, created_at) VALUES (?, ?, ?)",
                    key.kid(), key.jwk(), Columns.micros(key.createdAt()));
        });
    }

    @Override
    public boolean deleteSigningKey(String kid) {
        return db.transaction("delete a signing key", c -> update(c, "DELETE FROM latchkey_signing_keys WHERE kid = ?", kid) > 0);
    }

    // --- provider documents ---

    @Override
    public ProviderStore documents(String namespace) {
        return namespaces.computeIfAbsent(namespace, n -> new JdbcDocuments(db, n));
    }

    @Override
    public void close() {
        try {
            pool.close();
        } catch (Exception e) {
            // Closing is best effort; nothing the application could do about it.
            System.getLogger(JdbcStore.class.getName()).log(System.Logger.Level.WARNING,
                    "closing the connection pool failed: {0}", e.getClass().getSimpleName());
        }
    }

    // --- helpers ---

    /**
     * Locks a user's row.
     *
     * @return whether the user is disabled, or null when there is no such user
     */
    private static Boolean lockUser(Connection c, String userId) throws SQLException {
        try (PreparedStatement ps = prepare(c, "SELECT disabled FROM latchkey_users WHERE id = ? FOR UPDATE", userId);
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getBoolean(1) : null;
        }
    }

    private static String lockIdentityOwner(Connection c, String providerType, String subject) throws SQLException {
        return string(c, "SELECT user_id FROM latchkey_identities WHERE provider_type = ? AND subject = ? FOR UPDATE",
                providerType, subject);
    }

    private static String identityOwner(Connection c, String providerType, String subject) throws SQLException {
        return string(c, "SELECT user_id FROM latchkey_identities WHERE provider_type = ? AND subject = ?", providerType, subject);
    }

    /** Records a log-in with a known identity; false when the identity vanished meanwhile. */
    private static boolean touchIdentity(Connection c, Identity identity, Instant now) throws SQLException {
        return update(c, "UPDATE latchkey_identities SET profile = ?, last_login_at = ? WHERE provider_type = ? AND subject = ?",
                Columns.profile(identity.profile()), Columns.micros(now), identity.providerType(), identity.subject()) > 0;
    }

    private static void insertIdentity(Connection c, String userId, Identity identity, Instant now) throws SQLException {
        long t = Columns.micros(now);
        update(c, "INSERT INTO latchkey_identities (provider_type, subject, user_id, profile, linked_at, last_login_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)", identity.providerType(), identity.subject(), userId,
                Columns.profile(identity.profile()), t, t);
    }

    private static void insertSession(Connection c, StoredSession s) throws SQLException {
        update(c, "INSERT INTO latchkey_sessions (" + SESSION_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                s.id(), s.userId(), s.deviceId(), s.providerType(), s.subject(), s.refreshTokenHash(),
                Columns.micros(s.createdAt()), Columns.micros(s.expiresAt()));
    }

    private static Optional<StoredUser> loadUser(Connection c, String userId) throws SQLException {
        return users(c, "SELECT " + USER_COLUMNS + USER_JOIN + "WHERE u.id = ?" + USER_ORDER, userId);
    }

    /** One user from rows of the user joined with its identities (one statement, so one consistent view). */
    private static Optional<StoredUser> users(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(readUser(rs).user()) : Optional.empty();
        }
    }

    /** A user read from its rows, and whether rows of another user follow. */
    private record UserRows(StoredUser user, boolean more) {
    }

    /**
     * Reads the user of the current row and its identities from the rows that follow with the same
     * user id (the rows of one user must be adjacent), leaving the result set on the next user's
     * first row, or past the end.
     */
    private static UserRows readUser(ResultSet rs) throws SQLException {
        String id = rs.getString(1);
        UserType type = UserType.valueOf(rs.getString(2));
        Instant createdAt = Columns.instant(rs.getLong(3));
        boolean disabled = rs.getBoolean(4);
        Map<String, Object> customData = Columns.customData(rs.getString(5));
        List<StoredIdentity> identities = new ArrayList<>();
        boolean more;
        do {
            if (rs.getString(6) != null) {
                identities.add(new StoredIdentity(rs.getString(6), rs.getString(7), Columns.profile(rs.getString(8)),
                        Columns.instant(rs.getLong(9)), Columns.instant(rs.getLong(10))));
            }
            more = rs.next();
        } while (more && rs.getString(1).equals(id));
        return new UserRows(new StoredUser(id, type, createdAt, disabled, customData, identities), more);
    }

    private static Optional<StoredSession> session(Connection c, String sql, String arg) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, arg); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new StoredSession(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                    rs.getString(5), rs.getString(6), Columns.instant(rs.getLong(7)), Columns.instant(rs.getLong(8))));
        }
    }

    static String string(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args)) {
            return ps.executeUpdate();
        }
    }

    /** Every value is a bound parameter: identifiers such as {@code '; DROP TABLE users;--} stay data. */
    static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }
}
