package dev.latchkey.core.engine;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.core.config.ThrottleSettings;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.DoublePredicate;

/**
 * Slows down password guessing (SECURITY.md 20) without letting an attacker lock a victim out for
 * good: Auth0's brute-force protection plus suspicious-IP throttling, as leaky buckets.
 *
 * <p>The engine calls it around a provider's {@code authenticate}: {@link #begin} before, which
 * holds a place in the buckets while the attempt is in flight (so attempts in flight together
 * cannot all slip past the limit), then {@link Attempt#failed()} when the provider answered
 * {@link ErrorCode#INVALID_CREDENTIALS}, {@link Attempt#succeeded()} after a successful log-in, or
 * {@link Attempt#abandoned()} when the attempt said nothing about a guess. Each attempt names the
 * provider type, the account the provider reports (an email address, say; {@code null} when the
 * provider has none) and the source of the attempt (the client address an HTTP front end saw;
 * {@code null}, or blank, when unknown).
 *
 * <ul>
 *   <li><b>Per account and source.</b> Each failure adds one to the bucket of (provider type, account,
 *       source); the level drains evenly, {@code accountFailures} per {@code accountWindow}. An attempt
 *       is refused while one more failure would overflow the bucket; a success empties it. Because the
 *       source is part of the key, an attacker elsewhere cannot slow the victim down: <b>front ends
 *       should always pass the source</b>. Without one, the bucket is the account's alone, and anyone
 *       can slow (never permanently lock) its owner.</li>
 *   <li><b>Per source</b>, across all accounts and providers: {@code sourceFailures} per
 *       {@code sourceWindow}, against one address spraying guesses over many accounts. A success does
 *       not empty it: an attacker's one real account must not wash away its guesses at others. The
 *       source must be the real client address (a proxy's own address would make this a limit for
 *       everyone behind it); what counts as one source (an IPv6 /64, say) is the front end's choice.</li>
 * </ul>
 *
 * <p>A refusal is {@link ErrorCode#RATE_LIMITED} with {@link AuthException#retryAfter()} set to the
 * time until one more attempt would be allowed, and a message that says which limit and when, never
 * the account or the source (no enumeration, no personal data in logs). The throttle never learns
 * whether an account exists, so it answers alike for both. A bucket never holds more than its
 * capacity, however many attempts race (a failure whose bucket was evicted while it was in flight
 * is counted in a new one, capped alike), so a refused pair or source may try again after one
 * drain interval ({@code window / failures}: 90 seconds by default for an account),
 * never later.
 *
 * <p>Memory is bounded. Buckets are keyed by a SHA-256 digest of their key, so a megabyte-long
 * account name costs what any other does, and there are at most {@code maxEntries} of them. Empty
 * buckets are swept out as new ones arrive. When the table is full of buckets that are not empty,
 * a tenth of it is evicted, the buckets nearest to empty (lowest level for their capacity): those that are
 * refusing, or nearly, are the ones that protect someone, and a flood of single failures (the
 * cheapest way to fill the table) evicts mostly its own buckets. Refusing to track new keys instead
 * would let a filled table open every new account to guessing; refusing attempts would lock everyone
 * out. Limits are per engine: engines sharing a database each keep their own buckets.
 *
 * <p>Thread-safe; exact under races (every failure is counted). Time comes from the injected clock
 * only; the throttle starts no threads. With {@code enabled} false every method does nothing.
 */
@Singleton
public final class LogInThrottle {
    private static final System.Logger LOG = System.getLogger(LogInThrottle.class.getName());
    /** Clock readings further than this from the first one are clamped, so bucket arithmetic never overflows. */
    private static final long MAX_SECONDS_FROM_ORIGIN = 100L * 366 * 24 * 3600;
    private static final byte PAIR = 1;
    private static final byte SOURCE = 2;
    private static final int NULL_MARK = -1;
    private static final int DIGEST_CHUNK = 4096;

    private final boolean enabled;
    private final Limit accountLimit;
    private final Limit sourceLimit;
    private final int maxEntries;
    /** Where eviction brings the table down to: a tenth of room, so a full table is not re-scanned at every insert. */
    private final int lowWater;
    /** New buckets between sweeps of empty ones: the sweep's cost, spread over them, stays at a few visits each. */
    private final int sweepEvery;
    private final Clock clock;
    private final Instant origin;
    private final Map<Key, Bucket> pairs = new ConcurrentHashMap<>();
    private final Map<Key, Bucket> sources = new ConcurrentHashMap<>();
    /** Buckets in both tables plus slots reserved for buckets about to be added; never above maxEntries. */
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicInteger newSinceSweep = new AtomicInteger();
    private final ReentrantLock housekeeping = new ReentrantLock();

    /**
     * Creates a throttle; Guice does this for the engine.
     *
     * @param settings the limits
     * @param clock the engine's clock
     */
    @Inject
    public LogInThrottle(ThrottleSettings settings, Clock clock) {
        this.enabled = settings.enabled();
        this.accountLimit = Limit.of(settings.accountFailures(), settings.accountWindow());
        this.sourceLimit = Limit.of(settings.sourceFailures(), settings.sourceWindow());
        this.maxEntries = settings.maxEntries();
        this.lowWater = maxEntries - maxEntries / 10;
        this.sweepEvery = Math.max(1_024, maxEntries / 16);
        this.clock = clock;
        this.origin = clock.instant();
    }

    /**
     * Starts an attempt. An attempt in flight holds a place in its buckets as if it were a failure
     * until it is settled, so attempts running in parallel cannot together pass a limit that each
     * would pass alone: with check-then-count, every guess in flight would pass the check before any
     * failure was recorded. When the bucket is full only because of attempts still in flight, this
     * one waits for them to settle (up to {@link #MAX_WAIT}): many right log-ins of one account at
     * once queue briefly instead of being refused. Settle every attempt exactly once with
     * {@link Attempt#failed()}, {@link Attempt#succeeded()} or {@link Attempt#abandoned()}.
     *
     * @param providerType the provider's type (or another name for what is limited)
     * @param account the account the provider names, or null when it has none
     * @param source where the attempt comes from (a client address), or null when unknown
     * @return the attempt
     * @throws AuthException {@link ErrorCode#RATE_LIMITED} with {@link AuthException#retryAfter()} when
     *     the settled failures fill a limit (nothing is held then); {@link ErrorCode#INVALID_PARAMETER}
     *     when the provider type is null
     */
    public Attempt begin(String providerType, String account, String source) {
        if (!enabled) {
            return new Attempt(null, null);
        }
        requireType(providerType);
        String from = known(source);
        Key pair = account == null ? null : pairKey(providerType, account, from);
        Key src = from == null ? null : sourceKey(from);
        long deadline = System.nanoTime() + MAX_WAIT.toNanos();
        long pause = 1;
        while (true) {
            long now = now();
            long pairOutcome = pair == null ? ADMITTED : enter(pairs, pair, accountLimit, now);
            long sourceOutcome = ADMITTED;
            if (pairOutcome == ADMITTED && src != null) {
                sourceOutcome = enter(sources, src, sourceLimit, now);
                if (sourceOutcome != ADMITTED && pair != null) {
                    leave(pairs, pair, accountLimit, now, Settlement.ABANDONED);
                }
            }
            if (pairOutcome == ADMITTED && sourceOutcome == ADMITTED) {
                return new Attempt(pair, src);
            }
            if (pairOutcome > 0 || sourceOutcome > 0) {
                throw refusal(Math.max(pairOutcome, 0), Math.max(sourceOutcome, 0));
            }
            // Full only with attempts in flight: wait for them to settle, briefly.
            if (System.nanoTime() > deadline) {
                throw refusal(pairOutcome == WAIT ? accountLimit.interval() : 0, sourceOutcome == WAIT ? sourceLimit.interval() : 0);
            }
            sleep(pause);
            pause = Math.min(pause * 2, 20);
        }
    }

    /** The longest an attempt waits for attempts in flight to settle before it is refused. */
    static final Duration MAX_WAIT = Duration.ofSeconds(10);
    private static final long ADMITTED = 0;
    private static final long WAIT = -1;

    private enum Settlement { FAILED, SUCCEEDED, ABANDONED }

    /** An attempt holding a place in its buckets until it is settled. */
    public final class Attempt {
        private final Key pair;
        private final Key source;
        private final AtomicBoolean settled = new AtomicBoolean();

        private Attempt(Key pair, Key source) {
            this.pair = pair;
            this.source = source;
        }

        /** The credentials were wrong: the place becomes a failure in both buckets. */
        public void failed() {
            settle(Settlement.FAILED);
        }

        /** The log-in succeeded: the account's failures from this source are forgotten; the source's stay. */
        public void succeeded() {
            settle(Settlement.SUCCEEDED);
        }

        /** The attempt ended for a reason that says nothing about a guess: its place is given back. */
        public void abandoned() {
            settle(Settlement.ABANDONED);
        }

        private void settle(Settlement how) {
            if (!settled.compareAndSet(false, true)) {
                return;
            }
            long now = now();
            if (pair != null) {
                leave(pairs, pair, accountLimit, now, how);
            }
            if (source != null) {
                leave(sources, source, sourceLimit, now, how == Settlement.SUCCEEDED ? Settlement.ABANDONED : how);
            }
        }
    }

    private static AuthException refusal(long pairWait, long sourceWait) {
        // Both may refuse; the longer wait is the one until an attempt is allowed.
        boolean bySource = sourceWait > pairWait;
        Duration retryAfter = Duration.ofNanos(Math.max(pairWait, sourceWait));
        String which = bySource ? "too many failed log-ins from this address" : "too many failed log-ins for this account";
        return AuthException.retryLater(ErrorCode.RATE_LIMITED, which + ": try again in " + shown(retryAfter), retryAfter);
    }

    /**
     * How many buckets are kept, for tests.
     *
     * @return the number of buckets in memory
     */
    int trackedBuckets() {
        return pairs.size() + sources.size();
    }

    /**
     * Takes a place for an attempt in flight if the bucket has room: {@link #ADMITTED}; {@link #WAIT}
     * when it is full only because of attempts in flight; otherwise the nanoseconds until the settled
     * failures leave room.
     */
    private long enter(Map<Key, Bucket> table, Key key, Limit limit, long now) {
        long[] outcome = {ADMITTED};
        BiFunction<Key, Bucket, Bucket> take = (k, bucket) -> {
            if (limit.admits(bucket, now)) {
                outcome[0] = ADMITTED;
                return limit.entered(bucket, now);
            }
            long wait = limit.waitFor(bucket, now);
            outcome[0] = wait > 0 ? wait : WAIT;
            return bucket;
        };
        if (table.computeIfPresent(key, take) != null) {
            return outcome[0];
        }
        reserveSlot(now);
        boolean[] added = new boolean[1];
        table.compute(key, (k, bucket) -> {
            added[0] = bucket == null;
            return take.apply(k, bucket);
        });
        if (!added[0]) {
            size.decrementAndGet();
        }
        return outcome[0];
    }

    /** Gives an attempt's place back, turning it into a failure, a clean slate, or nothing. */
    private void leave(Map<Key, Bucket> table, Key key, Limit limit, long now, Settlement how) {
        Bucket left = table.computeIfPresent(key, (k, bucket) -> switch (how) {
            case FAILED -> limit.failed(bucket, now).leaving();
            case SUCCEEDED -> new Bucket(now, bucket.inFlight()).leaving();
            case ABANDONED -> bucket.leaving();
        });
        if (left == null && how == Settlement.FAILED) {
            // Evicted while in flight: the failure still counts.
            fail(table, key, limit, now);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuthException(ErrorCode.INTERNAL, "interrupted while waiting for the log-in throttle");
        }
    }

    /** Counts a failure in a bucket, adding it if it is missing (it was evicted while its attempt was in flight). */
    private void fail(Map<Key, Bucket> table, Key key, Limit limit, long now) {
        if (table.computeIfPresent(key, (k, bucket) -> limit.failed(bucket, now)) != null) {
            return;
        }
        reserveSlot(now);
        boolean[] added = new boolean[1];
        table.compute(key, (k, bucket) -> {
            added[0] = bucket == null;
            return limit.failed(bucket, now);
        });
        if (!added[0]) {
            // Another thread added this bucket between the two calls; ours was counted in it.
            size.decrementAndGet();
        }
    }

    /** Counts one more bucket, making room first when the table is full, so the bound holds under races. */
    private void reserveSlot(long now) {
        while (true) {
            int n = size.get();
            if (n >= maxEntries) {
                makeRoom(now);
            } else if (size.compareAndSet(n, n + 1)) {
                break;
            }
        }
        if (newSinceSweep.incrementAndGet() >= sweepEvery && housekeeping.tryLock()) {
            try {
                newSinceSweep.set(0);
                removeEmpty(now);
            } finally {
                housekeeping.unlock();
            }
        }
    }

    private void makeRoom(long now) {
        housekeeping.lock();
        try {
            if (size.get() < maxEntries) {
                return; // another thread made room while this one waited
            }
            newSinceSweep.set(0);
            removeEmpty(now);
            int excess = size.get() - lowWater;
            if (excess > 0) {
                evictNearestEmpty(excess, now);
            }
        } finally {
            housekeeping.unlock();
        }
    }

    private void removeEmpty(long now) {
        removeEmpty(pairs, now);
        removeEmpty(sources, now);
    }

    private void removeEmpty(Map<Key, Bucket> table, long now) {
        for (Map.Entry<Key, Bucket> e : table.entrySet()) {
            // Conditional: a bucket that just took a failure is no longer the empty one seen here.
            if (e.getValue().isEmptyAt(now) && table.remove(e.getKey(), e.getValue())) {
                size.decrementAndGet();
            }
        }
    }

    private void evictNearestEmpty(int excess, long now) {
        double[] fills = new double[pairs.size() + sources.size() + 64];
        int count = 0;
        for (Bucket b : pairs.values()) {
            fills = grown(fills, count);
            fills[count++] = accountLimit.fill(b, now);
        }
        for (Bucket b : sources.values()) {
            fills = grown(fills, count);
            fills[count++] = sourceLimit.fill(b, now);
        }
        if (count == 0) {
            return;
        }
        Arrays.sort(fills, 0, count);
        double threshold = fills[Math.min(excess, count) - 1];
        int[] evicted = {0};
        // Below the threshold first, then as many at it as still needed: ties must not empty the table.
        evict(pairs, accountLimit, now, f -> f < threshold, excess, evicted);
        evict(sources, sourceLimit, now, f -> f < threshold, excess, evicted);
        evict(pairs, accountLimit, now, f -> f == threshold, excess, evicted);
        evict(sources, sourceLimit, now, f -> f == threshold, excess, evicted);
        LOG.log(System.Logger.Level.WARNING, "the log-in throttle''s table was full ({0} buckets): evicted the {1} nearest"
                + " to empty; if this happens without an attack, raise throttle.maxEntries", maxEntries, evicted[0]);
    }

    private void evict(Map<Key, Bucket> table, Limit limit, long now, DoublePredicate which, int excess,
                       int[] evicted) {
        for (Map.Entry<Key, Bucket> e : table.entrySet()) {
            if (evicted[0] >= excess) {
                return;
            }
            if (which.test(limit.fill(e.getValue(), now)) && table.remove(e.getKey(), e.getValue())) {
                size.decrementAndGet();
                evicted[0]++;
            }
        }
    }

    private static double[] grown(double[] fills, int count) {
        return count < fills.length ? fills : Arrays.copyOf(fills, fills.length * 2);
    }

    /** Nanoseconds since the first reading, clamped so that adding a window can never overflow. */
    private long now() {
        Duration elapsed = Duration.between(origin, clock.instant());
        if (elapsed.getSeconds() > MAX_SECONDS_FROM_ORIGIN) {
            return MAX_SECONDS_FROM_ORIGIN * 1_000_000_000L;
        }
        if (elapsed.getSeconds() < -MAX_SECONDS_FROM_ORIGIN) {
            return -MAX_SECONDS_FROM_ORIGIN * 1_000_000_000L;
        }
        return elapsed.toNanos();
    }

    private static void requireType(String providerType) {
        if (providerType == null) {
            throw new AuthException(ErrorCode.INVALID_PARAMETER, "the provider type must not be null");
        }
    }

    /** A blank source is treated as unknown: shared by everyone, it would make the source limit a global one. */
    private static String known(String source) {
        return source == null || source.isBlank() ? null : source;
    }

    private static Key pairKey(String providerType, String account, String source) {
        return Key.of(PAIR, providerType, account, source);
    }

    private static Key sourceKey(String source) {
        return Key.of(SOURCE, source);
    }

    /** A wait as a person reads it, rounded up so nobody is told to come back too early. */
    static String shown(Duration wait) {
        long seconds = Math.max(1, wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0));
        if (seconds < 120) {
            return seconds + " s";
        }
        long minutes = (seconds + 59) / 60;
        if (minutes < 120) {
            return minutes + " min";
        }
        return (minutes + 59) / 60 + " h";
    }

    /**
     * A limit as a leaky bucket: one failure drains in {@code interval} (the window divided by the
     * failures, rounded up to a whole nanosecond), and a full bucket holds {@code capacity}
     * intervals. Levels are kept as the backlog of draining time, so the arithmetic is exact.
     */
    private record Limit(long interval, long full) {
        static Limit of(int failures, Duration window) {
            long nanos = window.toNanos();
            long interval = (nanos + failures - 1) / failures;
            return new Limit(interval, interval * failures);
        }

        /** The draining time left in a bucket, never more than a full bucket's (a clock set back must not lengthen it). */
        long backlog(Bucket bucket, long now) {
            return bucket == null ? 0 : Math.min(full, Math.max(0, bucket.emptyAt() - now));
        }

        /** Time until one more failure fits: positive while the level plus one would exceed the capacity. */
        long waitFor(Bucket bucket, long now) {
            return backlog(bucket, now) + interval - full;
        }

        /** Whether one more attempt fits, counting those in flight as failures. */
        boolean admits(Bucket bucket, long now) {
            int inFlight = bucket == null ? 0 : bucket.inFlight();
            return backlog(bucket, now) + (inFlight + 1L) * interval <= full;
        }

        Bucket entered(Bucket bucket, long now) {
            return bucket == null ? new Bucket(now, 1) : new Bucket(bucket.emptyAt(), bucket.inFlight() + 1);
        }

        /** One more failure; capped at a full bucket, so a failure counted after an eviction cannot lengthen a lock-out. */
        Bucket failed(Bucket bucket, long now) {
            return new Bucket(now + Math.min(full, backlog(bucket, now) + interval), bucket == null ? 0 : bucket.inFlight());
        }

        double fill(Bucket bucket, long now) {
            return (double) (backlog(bucket, now) + (long) bucket.inFlight() * interval) / full;
        }
    }

    /**
     * One bucket, immutable, so {@link ConcurrentHashMap#compute} replaces it atomically.
     *
     * @param emptyAt when (nanoseconds since the throttle's first clock reading) the level reaches zero
     * @param inFlight attempts begun and not settled yet, each holding a place
     */
    private record Bucket(long emptyAt, int inFlight) {
        boolean isEmptyAt(long now) {
            return emptyAt <= now && inFlight == 0;
        }

        Bucket leaving() {
            return new Bucket(emptyAt, Math.max(0, inFlight - 1));
        }
    }

    /** A SHA-256 digest of a bucket's key, in four longs: fixed size, whatever the account's length. */
    private record Key(long a, long b, long c, long d) {
        static Key of(byte kind, String... parts) {
            MessageDigest sha256;
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-256", e);
            }
            sha256.update(kind);
            int longest = 0;
            for (String part : parts) {
                longest = Math.max(longest, part == null ? 0 : part.length());
            }
            byte[] buffer = new byte[2 * Math.min(longest, DIGEST_CHUNK)];
            for (String part : parts) {
                // Length-prefixed UTF-16 code units: unambiguous, and exact even for lone surrogates,
                // which UTF-8 encoding would turn into '?' and so into someone else's key.
                int length = part == null ? NULL_MARK : part.length();
                sha256.update(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
                for (int from = 0; from < Math.max(0, length); from += DIGEST_CHUNK) {
                    int to = Math.min(length, from + DIGEST_CHUNK);
                    for (int i = from; i < to; i++) {
                        char c = part.charAt(i);
                        buffer[2 * (i - from)] = (byte) (c >>> 8);
                        buffer[2 * (i - from) + 1] = (byte) c;
                    }
                    sha256.update(buffer, 0, 2 * (to - from));
                }
            }
            byte[] h = sha256.digest();
            return new Key(longAt(h, 0), longAt(h, 8), longAt(h, 16), longAt(h, 24));
        }

        private static long longAt(byte[] bytes, int at) {
            long value = 0;
            for (int i = at; i < at + 8; i++) {
                value = (value << 8) | (bytes[i] & 0xFF);
            }
            return value;
        }
    }
}
