package dev.latchkey.benchmarks;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Session;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.store.InMemoryStore;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue #4, SECURITY.md case 18: a failed email/password log-in must take the same time whether the
 * address has no account or the password is wrong; and what a log-in costs against the Argon2id
 * hash alone. Four operations on one in-memory engine with the {@code local-userpass} provider
 * (auto-confirm, throttle off so repeated failures are not answered RATE_LIMITED):
 * <ol>
 *   <li>{@code argon2idHashAlone}: Argon2id with the provider's parameters by the implementation the provider is pinned to ({@link Argon2Baseline#IMPLEMENTATION}), the baseline;</li>
 *   <li>{@code logInRightPassword}: a successful log-in of an existing confirmed account;</li>
 *   <li>{@code logInWrongPassword}: an existing account, a wrong password;</li>
 *   <li>{@code logInUnknownAddress}: an address with no account;</li>
 *   <li>{@code allFourInterleaved}: the four above in one fork, one call at a time in a shuffled order
 *   per cycle of four, each call timed with {@link System#nanoTime} (a call takes milliseconds) and
 *   reported per operation as JMH secondary results ({@link CallTimes}). Separate forks of this
 *   2-core VM differ by up to 20-30% even with nothing else running (other tenants share the
 *   host's caches and memory bandwidth, and Argon2id's 19 MiB is memory-bound); calls interleaved
 *   in one fork meet the same conditions, so their ratios are the sharper ones.</li>
 * </ol>
 * A failed log-in must end in INVALID_CREDENTIALS; any other answer (RATE_LIMITED above all, which
 * costs no hash) stops the benchmark rather than being timed.
 *
 * <p>The annotations are the defaults; {@link EmailTimingRun} runs this class in interleaved
 * rounds and turns JMH's JSON into the ratios of the report.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(1)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class EmailLogInTiming {
    /** Same length as {@link #WRONG_PASSWORD}, so the two differ only in content. */
    static final String PASSWORD = "correct horse battery staple 42";
    static final String WRONG_PASSWORD = "correct horse battery staple 43";
    /** Same length as {@link #UNKNOWN_EMAIL}. */
    static final String EMAIL = "known-user@example.com";
    static final String UNKNOWN_EMAIL = "never-user@example.com";

    /**
     * The Argon2id memory in KiB, for the provider's new hashes and for the baseline alike. 19456 is
     * the provider's default (OWASP: m=19 MiB, t=2, p=1); a small value (e.g. 64) makes the hash
     * cheap, so that what the engine does around it, and any difference between the two failures,
     * is a larger share of the time.
     */
    @Param({"19456"})
    public int memoryKib;

    static final int ITERATIONS = Argon2Baseline.ITERATIONS;
    static final int PARALLELISM = Argon2Baseline.PARALLELISM;
    static final int SALT_BYTES = Argon2Baseline.SALT_BYTES;
    static final int HASH_BYTES = Argon2Baseline.HASH_BYTES;

    private AuthService service;
    private Credentials right;
    private Credentials wrong;
    private Credentials unknown;
    private byte[] salt;

    /**
     * Builds the engine, registers the account and checks that each operation answers as expected.
     */
    @Setup
    public void setUp() {
        // The engine logs its start at INFO through java.util.logging; JMH would print it in the middle of its output.
        Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        String config = "{\"providers\":{\"local-userpass\":{\"enabled\":true,\"autoConfirm\":true,"
                + "\"passwordHashing\":{\"memoryKib\":" + memoryKib + ",\"iterations\":" + ITERATIONS
                + ",\"parallelism\":" + PARALLELISM + ",\"implementation\":\"" + Argon2Baseline.IMPLEMENTATION
                + "\"}}},\"throttle\":{\"enabled\":false}}";
        service = Latchkey.service("bench").store(new InMemoryStore()).config(config).build();
        service.emailPassword().registerUser(EMAIL, PASSWORD);
        right = Credentials.emailPassword(EMAIL, PASSWORD);
        wrong = Credentials.emailPassword(EMAIL, WRONG_PASSWORD);
        unknown = Credentials.emailPassword(UNKNOWN_EMAIL, PASSWORD);
        salt = new byte[SALT_BYTES];
        new SecureRandom().nextBytes(salt);

        logInRightPassword();
        logInWrongPassword();
        logInUnknownAddress();
        if (argon2idHashAlone().length != HASH_BYTES) {
            throw new IllegalStateException("Argon2id gave a hash of the wrong length");
        }
    }

    /** Closes the engine. */
    @TearDown
    public void tearDown() {
        service.close();
    }

    /**
     * Argon2id alone, as the provider computes it: the password's UTF-8 bytes, parameters built
     * for the call, version 1.3, a 16-byte salt, a 32-byte hash.
     *
     * @return the hash
     */
    @Benchmark
    public byte[] argon2idHashAlone() {
        return Argon2Baseline.hash(PASSWORD, salt, memoryKib);
    }

    /**
     * A successful log-in: the hash checked, the identity found, a session opened, an access token signed.
     *
     * @return the session
     */
    @Benchmark
    public Session logInRightPassword() {
        return service.logIn(right);
    }

    /**
     * An existing account, a wrong password.
     *
     * @return the exception, which must be INVALID_CREDENTIALS
     */
    @Benchmark
    public AuthException logInWrongPassword() {
        return failedLogIn(wrong);
    }

    /**
     * An address with no account.
     *
     * @return the exception, which must be INVALID_CREDENTIALS
     */
    @Benchmark
    public AuthException logInUnknownAddress() {
        return failedLogIn(unknown);
    }

    /** The operations {@link #allFourInterleaved} cycles through. */
    enum Call { ARGON2, RIGHT, WRONG, UNKNOWN }

    /**
     * The time of each kind of call in {@link #allFourInterleaved}, per iteration: JMH reports each
     * public method as a secondary result (ms per call of that kind, averaged over the iteration).
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CallTimes {
        private final long[] nanos = new long[Call.values().length];
        private final int[] counts = new int[Call.values().length];
        private final List<Call> cycle = new java.util.ArrayList<>(List.of(Call.values()));
        private final java.util.Random random = new java.util.Random(4);
        private int next = cycle.size();

        /** Starts each iteration's sums from zero. */
        @Setup(Level.Iteration)
        public void reset() {
            Arrays.fill(nanos, 0);
            Arrays.fill(counts, 0);
        }

        Call next() {
            if (next == cycle.size()) {
                Collections.shuffle(cycle, random);
                next = 0;
            }
            return cycle.get(next++);
        }

        void add(Call call, long took) {
            nanos[call.ordinal()] += took;
            counts[call.ordinal()]++;
        }

        private double ms(Call call) {
            int n = counts[call.ordinal()];
            return n == 0 ? 0 : nanos[call.ordinal()] / 1e6 / n;
        }

        /** @return ms per Argon2id hash alone in this iteration */
        public double argon2Ms() {
            return ms(Call.ARGON2);
        }

        /** @return ms per log-in with the right password in this iteration */
        public double rightMs() {
            return ms(Call.RIGHT);
        }

        /** @return ms per log-in with a wrong password in this iteration */
        public double wrongMs() {
            return ms(Call.WRONG);
        }

        /** @return ms per log-in with an unknown address in this iteration */
        public double unknownMs() {
            return ms(Call.UNKNOWN);
        }
    }

    /**
     * One of the four operations above, in a shuffled order per cycle of four, timed per call.
     *
     * @param times where the call's time goes
     * @return what the operation returned
     */
    @Benchmark
    public Object allFourInterleaved(CallTimes times) {
        Call call = times.next();
        long start = System.nanoTime();
        Object result = switch (call) {
            case ARGON2 -> argon2idHashAlone();
            case RIGHT -> logInRightPassword();
            case WRONG -> logInWrongPassword();
            case UNKNOWN -> logInUnknownAddress();
        };
        times.add(call, System.nanoTime() - start);
        return result;
    }

    private AuthException failedLogIn(Credentials credentials) {
        try {
            service.logIn(credentials);
        } catch (AuthException e) {
            if (e.code() != ErrorCode.INVALID_CREDENTIALS) {
                throw new IllegalStateException("a failed log-in answered " + e.code() + ", not INVALID_CREDENTIALS", e);
            }
            return e;
        }
        throw new IllegalStateException("a log-in that should fail succeeded");
    }
}
