package dev.latchkey.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.api.Identity;
import dev.latchkey.core.config.StoreSettings;
import dev.latchkey.core.store.Store;
import dev.latchkey.core.store.StoredUser;
import dev.latchkey.core.store.jdbc.JdbcStores;
import dev.latchkey.testkit.db.PostgresDatabase;
import dev.latchkey.testkit.db.PostgresExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on a real PostgreSQL server: a new, empty database for every test. */
@ExtendWith(PostgresExtension.class)
class PostgresStoreTest extends StoreContract {
    private final PostgresDatabase database;

    @TempDir
    Path unused;

    PostgresStoreTest(PostgresDatabase database) {
        this.database = database;
    }

    @Override
    protected Store newStore() {
        return JdbcStores.open(settings(database), unused, "contract-app");
    }

    /**
     * The test clusters are made with locale C, where the database's order is code order anyway; a
     * production database is often en_US, where "a" sorts before "B" and '-' and '_' are skipped.
     * Giving the id column such a collation shows that pages keep code order, the other stores' order.
     */
    @Test
    void usersAreListedInCodeOrderWhateverTheDatabasesCollation() throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE latchkey_users ALTER COLUMN id TYPE VARCHAR(64) COLLATE \"en-US-x-icu\"");
        }
        for (String id : List.of("b", "B", "a", "-c", "_a", "A-", "a_")) {
            store.logInIdentity(Identity.of("test-idp", "sub-" + id), newUser(id), T0);
        }
        List<String> listed = new ArrayList<>();
        String cursor = null;
        for (List<StoredUser> page = store.listUsers(null, 2); !page.isEmpty(); page = store.listUsers(cursor, 2)) {
            page.forEach(u -> listed.add(u.id()));
            cursor = page.get(page.size() - 1).id();
        }
        assertThat(listed).containsExactly("-c", "A-", "B", "_a", "a", "a_", "b");
    }

    static StoreSettings settings(PostgresDatabase database) {
        return new StoreSettings(database.jdbcUrl(), database.username(), database.password(), StoreSettings.DEFAULT_POOL_SIZE);
    }
}
