package dev.latchkey.testkit.fake;

/**
 * A way a provider's backend can let it down, as a {@link FakeBackend} plays it on a real
 * loopback socket. Each maps to the {@link dev.latchkey.api.ErrorCode} a provider must answer
 * with (DESIGN.md §3, SECURITY.md #7).
 */
public enum Failure {
    /** The server is shut down: connecting is refused. A provider answers {@code NETWORK}. */
    DOWN,
    /** The server accepts the connection and reads the request but never answers. {@code NETWORK}, within a timeout. */
    STALL,
    /**
     * The server answers at once with headers, then trickles the body (JSON whitespace, then the
     * answer the backend would have given): {@link JsonEndpointBackend#SLOW_CHUNK_BYTES}
     * bytes every {@link JsonEndpointBackend#SLOW_CHUNK_PERIOD}, so the whole answer takes minutes
     * while no single read ever waits long. A read timeout alone never fires; only a provider with
     * a deadline for the whole call (OkHttp's {@code callTimeout}) gives up in time. {@code NETWORK},
     * within a timeout. An answer already trickling keeps trickling until {@link FakeBackend#close()}.
     */
    SLOW,
    /** HTTP 500 with a JSON error body. {@code PROVIDER_BACKEND}. */
    SERVER_ERROR,
    /** HTTP 429 with {@code Retry-After}. {@code RATE_LIMITED} or {@code PROVIDER_BACKEND}. */
    TOO_MANY_REQUESTS,
    /** HTTP 200 whose body, although labelled {@code application/json}, is not JSON. {@code PROVIDER_BACKEND}. */
    GARBAGE,
    /**
     * HTTP 200 with the answer the backend would have given, after
     * {@link JsonEndpointBackend#OVERSIZED_BYTES} bytes of JSON whitespace, sent chunked (no
     * {@code Content-Length}): it parses to the same value, object or array, so only a provider
     * that bounds what it reads notices. {@code PROVIDER_BACKEND}.
     */
    OVERSIZED
}
