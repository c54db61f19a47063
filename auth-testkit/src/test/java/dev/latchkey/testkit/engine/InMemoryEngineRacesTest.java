package dev.latchkey.testkit.engine;

import dev.latchkey.core.store.InMemoryStore;
import dev.latchkey.core.store.Store;
import java.util.List;
import java.util.function.Supplier;

/** The races on one engine over the in-memory store: the baseline the database stores must match. */
class InMemoryEngineRacesTest extends EngineRaces {
    @Override
    List<Supplier<Store>> stores() {
        return List.of(InMemoryStore::new);
    }
}
