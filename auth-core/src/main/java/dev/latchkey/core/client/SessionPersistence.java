package dev.latchkey.core.client;

import java.util.Optional;

/**
 * Where a {@link DefaultAuthApp} keeps its users between runs: nowhere ({@link #MEMORY_ONLY}) or
 * a session cache file ({@link FileSessionPersistence}). Neither method ever throws: a cache that
 * cannot be read or written costs the offline start, never the app.
 */
interface SessionPersistence extends AutoCloseable {
    /** Keeps nothing: the users live as long as the app. */
    SessionPersistence MEMORY_ONLY = new SessionPersistence() {
        @Override
        public Optional<SessionCacheState> restore() {
            return Optional.empty();
        }

        @Override
        public void save(SessionCacheState state) {
        }

        @Override
        public void close() {
        }
    };

    /**
     * What the previous run left, read once at start-up.
     *
     * @return the state, or empty when there is none, it could not be trusted, or it could not be
     *     read (then the persistence may keep nothing for the rest of the run)
     */
    Optional<SessionCacheState> restore();

    /**
     * Keeps a state. The app calls it with its lock held, after every change, so states arrive in
     * the order they happened; it must not block on I/O.
     *
     * @param state the app's whole state after the change
     */
    void save(SessionCacheState state);

    /** Finishes the pending write, if any, then stops. */
    @Override
    void close();
}
