package dev.latchkey.benchmarks;

import dev.latchkey.api.Identity;
import dev.latchkey.api.UserType;
import dev.latchkey.core.store.InMemoryStore;
import dev.latchkey.core.store.NewUser;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

/**
 * Fills a store with {@link Users} without going through the engine, which would sign an access
 * token and open a session per user (about 30 minutes for a million). The rows are the ones
 * {@code JdbcStore.logInIdentity} writes for a first log-in: times in epoch microseconds, custom
 * data {@code {}}, an empty profile as {@code {"extras":{}}}; the schema must already exist (the
 * engine migrates it when it first starts).
 */
final class Population {
    private static final int BATCH = 5_000;
    private static final String INSERT_USER =
            "INSERT INTO latchkey_users (id, user_type, created_at, disabled, custom_data) VALUES (?, ?, ?, FALSE, '{}')";
    private static final String INSERT_IDENTITY =
            "INSERT INTO latchkey_identities (provider_type, subject, user_id, profile, linked_at, last_login_at)"
                    + " VALUES (?, ?, ?, '{\"extras\":{}}', ?, ?)";

    private Population() {
    }

    /** Through the store's own method, which is cheap in memory. */
    static void fill(InMemoryStore store, int count, Instant now) {
        for (int i = 0; i < count; i++) {
            store.logInIdentity(Identity.of(BenchIdp.TYPE, Users.subject(i)), new NewUser(Users.userId(i), UserType.NORMAL, now), now);
        }
    }

    /** JDBC batches of {@value #BATCH} users and their identities, one transaction per batch. */
    static void fill(Connection c, int count, Instant now) throws SQLException {
        long micros = Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000L);
        c.setAutoCommit(false);
        try (PreparedStatement users = c.prepareStatement(INSERT_USER);
             PreparedStatement identities = c.prepareStatement(INSERT_IDENTITY)) {
            for (int i = 0; i < count; i++) {
                String id = Users.userId(i);
                users.setString(1, id);
                users.setString(2, UserType.NORMAL.name());
                users.setLong(3, micros);
                users.addBatch();
                identities.setString(1, BenchIdp.TYPE);
                identities.setString(2, Users.subject(i));
                identities.setString(3, id);
                identities.setLong(4, micros);
                identities.setLong(5, micros);
                identities.addBatch();
                if ((i + 1) % BATCH == 0 || i == count - 1) {
                    users.executeBatch();
                    identities.executeBatch();
                    c.commit();
                }
                if ((i + 1) % 200_000 == 0) {
                    Progress.say("  ... %,d users inserted", i + 1);
                }
            }
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        }
    }

    /** Fresh planner statistics and, on PostgreSQL, a vacuumed heap, so autovacuum does not start in the middle of a measurement. */
    static void analyze(Connection c, StoreKind kind) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            if (kind == StoreKind.POSTGRESQL) {
                s.execute("VACUUM ANALYZE");
                s.execute("CHECKPOINT");
            } else {
                s.execute("ANALYZE");
            }
        } finally {
            c.setAutoCommit(auto);
        }
    }
}
