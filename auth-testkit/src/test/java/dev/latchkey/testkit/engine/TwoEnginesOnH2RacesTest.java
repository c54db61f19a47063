package dev.latchkey.testkit.engine;

import dev.latchkey.core.config.StoreSettings;
import dev.latchkey.core.store.Store;
import dev.latchkey.core.store.jdbc.JdbcStores;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;

/**
 * The races spread over two engines of one process sharing one embedded H2 file, each with its own
 * store and so its own one-transaction-at-a-time lock: only H2's row locks keep their transactions
 * apart (why the store keeps {@code SELECT ... FOR UPDATE} on H2).
 */
class TwoEnginesOnH2RacesTest extends EngineRaces {
    @TempDir
    Path dataDirectory;

    @Override
    List<Supplier<Store>> stores() {
        return List.of(() -> JdbcStores.open(StoreSettings.DEFAULT, dataDirectory, "race-app"),
                () -> JdbcStores.open(StoreSettings.DEFAULT, dataDirectory, "race-app"));
    }
}
