package dev.latchkey.provider.email;

import dev.latchkey.core.config.StoreSettings;
import dev.latchkey.core.store.Store;
import dev.latchkey.core.store.jdbc.JdbcStores;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;

/** The flow and its races on the embedded H2 file, the default store. */
class H2EmailPasswordRacesTest extends EmailPasswordRaces {
    @TempDir
    Path data;

    @Override
    Supplier<Store> store() {
        return () -> JdbcStores.open(StoreSettings.DEFAULT, data.resolve("s" + System.nanoTime()), "test-app");
    }
}
