package dev.latchkey.testkit.engine;

import dev.latchkey.core.store.Store;
import dev.latchkey.testkit.db.PostgresDatabase;
import dev.latchkey.testkit.db.PostgresExtension;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The races spread over two engines, each with its own connection pool, sharing one PostgreSQL
 * database: two instances of one app, as in production behind a load balancer.
 */
@ExtendWith(PostgresExtension.class)
class TwoEnginesOnPostgresRacesTest extends EngineRaces {
    private final PostgresDatabase database;

    TwoEnginesOnPostgresRacesTest(PostgresDatabase database) {
        this.database = database;
    }

    @Override
    List<Supplier<Store>> stores() {
        return List.of(() -> PostgresEngineRacesTest.open(database), () -> PostgresEngineRacesTest.open(database));
    }
}
