package dev.latchkey.testkit.fake;

/**
 * A stand-in for an identity provider's backend (Google, Facebook, a JWKS endpoint, a webhook)
 * that a test can make fail on demand. Fakes run on real loopback sockets, so a provider talks to
 * them through its real HTTP client and sees real connection, timeout and parsing failures.
 *
 * <p>Implementations are thread-safe: providers call them from many threads while a test switches
 * failures.
 */
public interface FakeBackend extends AutoCloseable {

    /**
     * From now on, answer every request by failing this way, until {@link #reset()} or another
     * {@code failWith}.
     *
     * @param failure how to fail
     */
    void failWith(Failure failure);

    /**
     * Back to normal service: answers come from the fake's script again. A backend that was
     * {@link Failure#DOWN} listens again on the same address; requests held by
     * {@link Failure#STALL} are let go.
     */
    void reset();

    /** Shuts the backend down for good and lets go of any stalled request. Idempotent. */
    @Override
    void close();
}
