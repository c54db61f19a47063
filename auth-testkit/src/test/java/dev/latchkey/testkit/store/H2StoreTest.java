package dev.latchkey.testkit.store;

import dev.latchkey.core.config.StoreSettings;
import dev.latchkey.core.store.Store;
import dev.latchkey.core.store.jdbc.JdbcStores;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded default: an H2 file database in the data directory. */
class H2StoreTest extends StoreContract {
    @TempDir
    Path dataDirectory;

    @Override
    protected Store newStore() {
        return JdbcStores.open(StoreSettings.DEFAULT, dataDirectory, "contract-app");
    }
}
