package dev.latchkey.provider.email;

import dev.latchkey.core.config.StoreSettings;
import dev.latchkey.core.store.Store;
import dev.latchkey.core.store.jdbc.JdbcStores;
import dev.latchkey.testkit.db.PostgresDatabase;
import dev.latchkey.testkit.db.PostgresExtension;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtendWith;

/** The flow and its races on PostgreSQL (a throwaway server the testkit starts). */
@ExtendWith(PostgresExtension.class)
class PostgresEmailPasswordRacesTest extends EmailPasswordRaces {
    private final PostgresDatabase database;

    PostgresEmailPasswordRacesTest(PostgresDatabase database) {
        this.database = database;
    }

    @Override
    Supplier<Store> store() {
        return () -> JdbcStores.open(new StoreSettings(database.jdbcUrl(), database.username(), database.password(),
                StoreSettings.DEFAULT_POOL_SIZE), Path.of("unused-for-postgresql"), "test-app");
    }
}
