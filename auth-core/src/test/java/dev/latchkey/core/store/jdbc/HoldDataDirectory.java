package dev.latchkey.core.store.jdbc;

import dev.latchkey.core.config.StoreSettings;

/** A second process for {@link JdbcStoresTest}: opens the embedded store in a data directory and holds it until killed. */
public final class HoldDataDirectory {
    private HoldDataDirectory() {
    }

    public static void main(String[] args) throws Exception {
        JdbcStores.open(StoreSettings.DEFAULT, java.nio.file.Path.of(args[0]), "held-app");
        System.out.println("OPEN");
        System.out.flush();
        Thread.currentThread().join();
    }
}
