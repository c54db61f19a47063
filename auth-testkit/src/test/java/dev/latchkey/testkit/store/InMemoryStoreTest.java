package dev.latchkey.testkit.store;

import dev.latchkey.core.store.InMemoryStore;
import dev.latchkey.core.store.Store;

class InMemoryStoreTest extends StoreContract {
    @Override
    protected Store newStore() {
        return new InMemoryStore();
    }
}
