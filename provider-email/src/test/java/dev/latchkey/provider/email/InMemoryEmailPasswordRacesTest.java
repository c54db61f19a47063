package dev.latchkey.provider.email;

import dev.latchkey.core.store.InMemoryStore;
import dev.latchkey.core.store.Store;
import java.util.function.Supplier;

/** The flow and its races on the in-memory store. */
class InMemoryEmailPasswordRacesTest extends EmailPasswordRaces {
    @Override
    Supplier<Store> store() {
        return InMemoryStore::new;
    }
}
