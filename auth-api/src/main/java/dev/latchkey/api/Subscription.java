package dev.latchkey.api;

/** A registered listener; cancel it to stop receiving changes. Cancelling twice is harmless. */
public interface Subscription extends AutoCloseable {

    /** Stops delivery to the listener. Changes already being delivered may still arrive. */
    void cancel();

    /** Same as {@link #cancel()}, for try-with-resources. */
    @Override
    default void close() {
        cancel();
    }
}
