package dev.latchkey.testkit.contract;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the {@link CredentialProviderContract} waits, like the Reactive Streams TCK's
 * {@code TestEnvironment}. These are liveness bounds, not performance claims (DESIGN.md §7: speed
 * is measured by benchmarks): a call that takes longer is treated as hung.
 *
 * <p>Override {@link CredentialProviderContract#timeouts()} to change them, e.g.
 * {@code ContractTimeouts.defaults().withBackendStall(Duration.ofSeconds(3))} for a provider whose
 * contract test configures a short HTTP timeout.
 *
 * @param call the longest one {@code authenticate} or {@code logIn} may take when its backend
 *     answers (or fails fast)
 * @param backendStall the longest a call may take to give up on a backend that accepted the
 *     connection and never answered ({@code optional_backendStallIsBoundedByTimeout})
 * @param concurrentRun the longest the whole concurrency rule may take
 */
public record ContractTimeouts(Duration call, Duration backendStall, Duration concurrentRun) {
    /** One call: 5 seconds. */
    public static final Duration DEFAULT_CALL = Duration.ofSeconds(5);
    /**
     * A stalled backend: 20 seconds. The engine's shared {@code OkHttpClient} gives up after its
     * 10 s read timeout (15 s call timeout), so a provider that uses it as it is passes; one with its
     * own, shorter timeout setting should configure it in its test and tighten this bound.
     */
    public static final Duration DEFAULT_BACKEND_STALL = Duration.ofSeconds(20);
    /** The concurrency rule as a whole: 60 seconds. */
    public static final Duration DEFAULT_CONCURRENT_RUN = Duration.ofSeconds(60);

    /**
     * Checks that every bound is positive.
     *
     * @param call see the record description
     * @param backendStall see the record description
     * @param concurrentRun see the record description
     */
    public ContractTimeouts {
        requirePositive(call, "call");
        requirePositive(backendStall, "backendStall");
        requirePositive(concurrentRun, "concurrentRun");
    }

    /**
     * The defaults: {@link #DEFAULT_CALL}, {@link #DEFAULT_BACKEND_STALL}, {@link #DEFAULT_CONCURRENT_RUN}.
     *
     * @return the default timeouts
     */
    public static ContractTimeouts defaults() {
        return new ContractTimeouts(DEFAULT_CALL, DEFAULT_BACKEND_STALL, DEFAULT_CONCURRENT_RUN);
    }

    /**
     * The same timeouts with another bound for one call.
     *
     * @param timeout the new bound
     * @return new timeouts
     */
    public ContractTimeouts withCall(Duration timeout) {
        return new ContractTimeouts(timeout, backendStall, concurrentRun);
    }

    /**
     * The same timeouts with another bound for giving up on a stalled backend.
     *
     * @param timeout the new bound
     * @return new timeouts
     */
    public ContractTimeouts withBackendStall(Duration timeout) {
        return new ContractTimeouts(call, timeout, concurrentRun);
    }

    /**
     * The same timeouts with another bound for the concurrency rule.
     *
     * @param timeout the new bound
     * @return new timeouts
     */
    public ContractTimeouts withConcurrentRun(Duration timeout) {
        return new ContractTimeouts(call, backendStall, timeout);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, not " + d);
        }
    }
}
