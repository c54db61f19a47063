package dev.latchkey.testkit.store;

import dev.latchkey.core.config.StoreSettings;
import dev.latchkey.core.store.Store;
import dev.latchkey.core.store.jdbc.JdbcStores;
import dev.latchkey.testkit.db.PostgresDatabase;
import dev.latchkey.testkit.db.PostgresExtension;
import java.nio.file.Path;
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

    static StoreSettings settings(PostgresDatabase database) {
        return new StoreSettings(database.jdbcUrl(), database.username(), database.password(), StoreSettings.DEFAULT_POOL_SIZE);
    }
}
