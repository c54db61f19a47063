package dev.latchkey.testkit.engine;

import dev.latchkey.core.config.StoreSettings;
import dev.latchkey.core.store.Store;
import dev.latchkey.core.store.jdbc.JdbcStores;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;

/** The races on one engine over the embedded default, an H2 file database. */
class H2EngineRacesTest extends EngineRaces {
    @TempDir
    Path dataDirectory;

    @Override
    List<Supplier<Store>> stores() {
        return List.of(() -> JdbcStores.open(StoreSettings.DEFAULT, dataDirectory, "race-app"));
    }
}
