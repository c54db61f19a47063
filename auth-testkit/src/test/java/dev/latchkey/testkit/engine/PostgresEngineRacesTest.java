package dev.latchkey.testkit.engine;

import dev.latchkey.core.config.StoreSettings;
import dev.latchkey.core.store.Store;
import dev.latchkey.core.store.jdbc.JdbcStores;
import dev.latchkey.testkit.db.PostgresDatabase;
import dev.latchkey.testkit.db.PostgresExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtendWith;

/** The races on one engine over PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class PostgresEngineRacesTest extends EngineRaces {
    private final PostgresDatabase database;

    PostgresEngineRacesTest(PostgresDatabase database) {
        this.database = database;
    }

    @Override
    List<Supplier<Store>> stores() {
        return List.of(() -> open(database));
    }

    static Store open(PostgresDatabase database) {
        return JdbcStores.open(new StoreSettings(database.jdbcUrl(), database.username(), database.password(),
                StoreSettings.DEFAULT_POOL_SIZE), Path.of("unused-for-postgresql"), "race-app");
    }
}
