package dev.latchkey.api.spi;

import dev.latchkey.api.AuthException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A provider's own records: key to JSON document, namespaced per provider, on every store the
 * engine supports (in memory, H2, PostgreSQL). Each document may carry one index value (not
 * unique) to find documents by something other than their key. Every write bumps the
 * document's version; {@link #compareAndSet} and {@link #transaction} make concurrent changes
 * safe, also across engines that share a database. Keys, index values and documents are
 * data: any characters are stored literally, except NUL and lone surrogates in keys and index
 * values, which no database keeps exactly and are refused.
 *
 * <p>Secrets never go in here in the clear: store hashes.
 */
public interface ProviderStore {
    /** The longest key. */
    int MAX_KEY_LENGTH = 512;
    /** The longest index value. */
    int MAX_INDEX_LENGTH = 512;
    /** The longest document, in characters. */
    int MAX_DOCUMENT_LENGTH = 65_536;

    /**
     * Reads one document.
     *
     * @param key the document's key
     * @return the document, or empty
     */
    Optional<Document> get(String key);

    /**
     * Finds the documents with an index value.
     *
     * @param index the value
     * @return the documents, ordered by key
     */
    List<Document> findByIndex(String index);

    /**
     * Writes a document only if its current version is the expected one.
     *
     * @param key the document's key
     * @param expectedVersion the version last read, or 0 to create a document that must not exist yet
     * @param json a JSON object
     * @param index the index value, or null for none
     * @return true if written; false if the version did not match (someone else wrote first)
     * @throws AuthException {@link dev.latchkey.api.ErrorCode#INTERNAL} when a limit is exceeded
     *     or {@code json} is not a JSON object
     */
    boolean compareAndSet(String key, long expectedVersion, String json, String index);

    /**
     * Deletes a document.
     *
     * @param key the document's key
     * @return true if it existed
     */
    boolean delete(String key);

    /**
     * Runs work as one serializable transaction: it sees a consistent state and its writes all
     * happen or none does. The work may be run again when it conflicts with another
     * transaction, so it must have no effects outside the transaction. An exception thrown by
     * the work rolls back and is rethrown.
     *
     * @param work reads and writes through the transaction
     * @param <T> what the work returns
     * @return what the work returned
     */
    <T> T transaction(Function<Transaction, T> work);

    /** Reads and writes inside {@link #transaction}. Valid only during the work. */
    interface Transaction {
        /**
         * Reads one document.
         *
         * @param key the document's key
         * @return the document, or empty
         */
        Optional<Document> get(String key);

        /**
         * Finds the documents with an index value.
         *
         * @param index the value
         * @return the documents, ordered by key
         */
        List<Document> findByIndex(String index);

        /**
         * Creates or replaces a document.
         *
         * @param key the document's key
         * @param json a JSON object
         * @param index the index value, or null
         */
        void put(String key, String json, String index);

        /**
         * Deletes a document.
         *
         * @param key the document's key
         * @return true if it existed
         */
        boolean delete(String key);
    }

    /**
     * A stored document.
     *
     * @param key its key
     * @param json its JSON object
     * @param index its index value, or null
     * @param version positive; grows with every write of the key and is never reused for it, not
     *     even after the key is deleted and written again, so a stale compare-and-set always fails
     */
    record Document(String key, String json, String index, long version) {
    }
}
