package dev.latchkey.core.store.jdbc;

import static dev.latchkey.core.store.jdbc.JdbcStore.prepare;
import static dev.latchkey.core.store.jdbc.JdbcStore.update;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.spi.ProviderStore;
import dev.latchkey.core.store.DocumentChecks;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One namespace of provider documents in the database. Every write in the namespace first locks
 * the namespace's row, so writes and transactions in one namespace are serializable, across all
 * engines sharing the database; the same row holds the namespace's version counter, so a version
 * is never handed out twice. Reads outside a transaction take no lock.
 */
final class JdbcDocuments implements ProviderStore {
    private static final String COLUMNS = "doc_key, json, index_value, version";
    /** Results are ordered in Java, as the in-memory store orders them, whatever the database's collation. */
    private static final Comparator<Document> BY_KEY = Comparator.comparing(Document::key);

    private final Database db;
    /**
     * Whether this thread is inside this namespace's transaction: its work must go through the
     * Transaction it was given. Through the store it would, on a database, wait for the lock its
     * own transaction holds; in memory it would bypass the transaction's staged writes.
     */
    private final ThreadLocal<Boolean> inTransaction = new ThreadLocal<>();
    private final String namespace;

    JdbcDocuments(Database db, String namespace) {
        this.db = db;
        this.namespace = namespace;
    }

    @Override
    public Optional<Document> get(String key) {
        checkNotInTransaction();
        DocumentChecks.key(key);
        return db.transaction("read a provider document", c -> read(c, key));
    }

    @Override
    public List<Document> findByIndex(String index) {
        checkNotInTransaction();
        DocumentChecks.lookupIndex(index);
        return db.transaction("find provider documents", c -> indexed(c, index));
    }

    @Override
    public boolean compareAndSet(String key, long expectedVersion, String json, String index) {
        checkNotInTransaction();
        DocumentChecks.compareAndSet(key, expectedVersion, json, index);
        return db.transaction("write a provider document", c -> {
            long last = lockNamespace(c);
            Optional<Document> current = read(c, key);
            if (current.map(Document::version).orElse(0L) != expectedVersion) {
                return false;
            }
            write(c, key, json, index, current.isPresent(), last + 1);
            setLastVersion(c, last + 1);
            return true;
        });
    }

    @Override
    public boolean delete(String key) {
        checkNotInTransaction();
        DocumentChecks.key(key);
        return db.transaction("delete a provider document", c -> {
            lockNamespace(c);
            return remove(c, key);
        });
    }

    @Override
    public <T> T transaction(Function<Transaction, T> work) {
        checkNotInTransaction();
        Objects.requireNonNull(work, "work");
        return db.transaction("run a provider transaction", c -> {
            Tx tx = new Tx(c, lockNamespace(c));
            inTransaction.set(Boolean.TRUE);
            try {
                T result = work.apply(tx);
                if (tx.failure != null) {
                    // The work caught our error and carried on: its transaction is broken all the same.
                    throw tx.failure;
                }
                setLastVersion(c, tx.lastVersion);
                return result;
            } catch (Tx.Failed e) {
                throw e.getCause();
            } finally {
                tx.closed = true;
                inTransaction.remove();
            }
        });
    }

    /**
     * Locks the namespace's row, creating it the first time; returns the last version handed out.
     * Two engines creating the row at once: one insert fails on the key, and Database runs the
     * whole unit again, which then finds the row.
     */

    private void checkNotInTransaction() {
        if (inTransaction.get() != null) {
            throw new AuthException(ErrorCode.INTERNAL, "a provider-store transaction's work must read and write through the"
                    + " Transaction it is given, not through the store");
        }
    }
    private long lockNamespace(Connection c) throws SQLException {
        try (PreparedStatement ps = prepare(c,
                "SELECT last_version FROM latchkey_document_namespaces WHERE namespace = ? FOR UPDATE", namespace);
             ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                return rs.getLong(1);
            }
        }
        update(c, "INSERT INTO latchkey_document_namespaces (namespace, last_version) VALUES (?, 0)", namespace);
        return 0;
    }

    private void setLastVersion(Connection c, long version) throws SQLException {
        update(c, "UPDATE latchkey_document_namespaces SET last_version = ? WHERE namespace = ?", version, namespace);
    }

    private Optional<Document> read(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = prepare(c, "SELECT " + COLUMNS + " FROM latchkey_documents WHERE namespace = ? AND doc_key = ?",
                namespace, key);
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(document(rs)) : Optional.empty();
        }
    }

    private List<Document> indexed(Connection c, String index) throws SQLException {
        try (PreparedStatement ps = prepare(c,
                "SELECT " + COLUMNS + " FROM latchkey_documents WHERE namespace = ? AND index_value = ?", namespace, index);
             ResultSet rs = ps.executeQuery()) {
            List<Document> found = new ArrayList<>();
            while (rs.next()) {
                found.add(document(rs));
            }
            found.sort(BY_KEY);
            return List.copyOf(found);
        }
    }

    private void write(Connection c, String key, String json, String index, boolean exists, long version) throws SQLException {
        if (exists) {
            update(c, "UPDATE latchkey_documents SET json = ?, index_value = ?, version = ? WHERE namespace = ? AND doc_key = ?",
                    json, index, version, namespace, key);
        } else {
            update(c, "INSERT INTO latchkey_documents (namespace, doc_key, json, index_value, version) VALUES (?, ?, ?, ?, ?)",
                    namespace, key, json, index, version);
        }
    }

    private boolean remove(Connection c, String key) throws SQLException {
        return update(c, "DELETE FROM latchkey_documents WHERE namespace = ? AND doc_key = ?", namespace, key) > 0;
    }

    private static Document document(ResultSet rs) throws SQLException {
        return new Document(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4));
    }

    /** The transaction's view: the database, through the connection that holds the namespace's lock. */
    private final class Tx implements Transaction {
        private final Connection c;
        private long lastVersion;
        private boolean closed;
        private SQLException failure;

        Tx(Connection c, long lastVersion) {
            this.c = c;
            this.lastVersion = lastVersion;
        }

        @Override
        public Optional<Document> get(String key) {
            DocumentChecks.key(key);
            checkOpen();
            return sql(() -> read(c, key));
        }

        @Override
        public List<Document> findByIndex(String index) {
            DocumentChecks.lookupIndex(index);
            checkOpen();
            return sql(() -> indexed(c, index));
        }

        @Override
        public void put(String key, String json, String index) {
            DocumentChecks.put(key, json, index);
            checkOpen();
            sql(() -> {
                write(c, key, json, index, read(c, key).isPresent(), ++lastVersion);
                return null;
            });
        }

        @Override
        public boolean delete(String key) {
            DocumentChecks.key(key);
            checkOpen();
            return sql(() -> remove(c, key));
        }

        private void checkOpen() {
            if (closed) {
                throw new IllegalStateException("the transaction has ended; use the store outside its work");
            }
        }

        /** Carries a database error through the provider's work, which cannot throw checked exceptions. */
        private <R> R sql(SqlCall<R> call) {
            try {
                return call.run();
            } catch (SQLException e) {
                if (failure == null) {
                    // The first error is the cause; on PostgreSQL every later one is "transaction aborted".
                    failure = e;
                }
                throw new Failed(e);
            }
        }

        /** An unchecked carrier for an SQLException raised inside the work. */
        private static final class Failed extends RuntimeException {
            private static final long serialVersionUID = 1L;

            Failed(SQLException cause) {
                super(cause);
            }

            @Override
            public synchronized SQLException getCause() {
                return (SQLException) super.getCause();
            }
        }
    }

    @FunctionalInterface
    private interface SqlCall<R> {
        R run() throws SQLException;
    }
}
