package dev.latchkey.core.store;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.spi.ProviderStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * One namespace of provider documents in memory. One lock per namespace makes every operation,
 * and every transaction as a whole, serializable; a transaction stages its writes and applies
 * them only when its work returns.
 */
final class InMemoryDocuments implements ProviderStore {
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * Whether this thread is inside this namespace's transaction: its work must go through the
     * Transaction it was given. Through the store it would, on a database, wait for the lock its
     * own transaction holds; in memory it would bypass the transaction's staged writes.
     */
    private final ThreadLocal<Boolean> inTransaction = new ThreadLocal<>();
    private final TreeMap<String, Document> documents = new TreeMap<>();
    private final Map<String, Set<String>> keysByIndex = new HashMap<>();
    /** One counter for the namespace, so a key deleted and made again never gets back a version it had (no ABA). */
    private long lastVersion;

    @Override
    public Optional<Document> get(String key) {
        checkNotInTransaction();
        DocumentChecks.key(key);
        lock.lock();
        try {
            return Optional.ofNullable(documents.get(key));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Document> findByIndex(String index) {
        checkNotInTransaction();
        DocumentChecks.lookupIndex(index);
        lock.lock();
        try {
            return indexed(index);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean compareAndSet(String key, long expectedVersion, String json, String index) {
        checkNotInTransaction();
        DocumentChecks.compareAndSet(key, expectedVersion, json, index);
        lock.lock();
        try {
            Document current = documents.get(key);
            long currentVersion = current == null ? 0 : current.version();
            if (currentVersion != expectedVersion) {
                return false;
            }
            write(key, json, index, ++lastVersion);
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean delete(String key) {
        checkNotInTransaction();
        DocumentChecks.key(key);
        lock.lock();
        try {
            return remove(key);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public <T> T transaction(Function<Transaction, T> work) {
        checkNotInTransaction();
        Objects.requireNonNull(work, "work");
        lock.lock();
        inTransaction.set(Boolean.TRUE);
        try {
            Staged staged = new Staged();
            T result;
            try {
                result = work.apply(staged);
            } finally {
                staged.closed = true;
                inTransaction.remove();
            }
            staged.writes.forEach((key, doc) -> {
                if (doc == null) {
                    remove(key);
                } else {
                    write(key, doc.json(), doc.index(), doc.version());
                }
            });
            return result;
        } finally {
            lock.unlock();
        }
    }


    private void checkNotInTransaction() {
        if (inTransaction.get() != null) {
            throw new AuthException(ErrorCode.INTERNAL, "a provider-store transaction's work must read and write through the"
                    + " Transaction it is given, not through the store");
        }
    }
    private List<Document> indexed(String index) {
        List<Document> found = new ArrayList<>();
        for (String key : keysByIndex.getOrDefault(index, Set.of())) {
            found.add(documents.get(key));
        }
        return found;
    }

    private void write(String key, String json, String index, long version) {
        Document previous = documents.get(key);
        if (previous != null) {
            unindex(previous);
        }
        documents.put(key, new Document(key, json, index, version));
        if (index != null) {
            keysByIndex.computeIfAbsent(index, i -> new TreeSet<>()).add(key);
        }
    }

    private boolean remove(String key) {
        Document previous = documents.remove(key);
        if (previous != null) {
            unindex(previous);
        }
        return previous != null;
    }

    private void unindex(Document document) {
        if (document.index() == null) {
            return;
        }
        Set<String> keys = keysByIndex.get(document.index());
        keys.remove(document.key());
        if (keys.isEmpty()) {
            keysByIndex.remove(document.index());
        }
    }

    /** A transaction's view: the committed documents overlaid with its own staged writes (null = deleted). */
    private final class Staged implements Transaction {
        private final Map<String, Document> writes = new LinkedHashMap<>();
        private boolean closed;

        @Override
        public Optional<Document> get(String key) {
            DocumentChecks.key(key);
            checkOpen();
            if (writes.containsKey(key)) {
                return Optional.ofNullable(writes.get(key));
            }
            return Optional.ofNullable(documents.get(key));
        }

        @Override
        public List<Document> findByIndex(String index) {
            DocumentChecks.lookupIndex(index);
            checkOpen();
            Map<String, Document> view = new TreeMap<>();
            for (Document d : indexed(index)) {
                if (!writes.containsKey(d.key())) {
                    view.put(d.key(), d);
                }
            }
            writes.forEach((key, doc) -> {
                if (doc != null && index.equals(doc.index())) {
                    view.put(key, doc);
                }
            });
            List<Document> found = new ArrayList<>(view.values());
            found.sort(Comparator.comparing(Document::key));
            return found;
        }

        @Override
        public void put(String key, String json, String index) {
            DocumentChecks.put(key, json, index);
            checkOpen();
            // The transaction holds the namespace's lock, so the version it takes now is the one it commits.
            writes.put(key, new Document(key, json, index, ++lastVersion));
        }

        @Override
        public boolean delete(String key) {
            DocumentChecks.key(key);
            checkOpen();
            boolean existed = get(key).isPresent();
            writes.put(key, null);
            return existed;
        }

        private void checkOpen() {
            if (closed) {
                throw new IllegalStateException("the transaction has ended; use the store outside its work");
            }
        }
    }
}
