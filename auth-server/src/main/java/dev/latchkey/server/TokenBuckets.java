package dev.latchkey.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.logging.Logger;

/**
 * One token bucket per key (a client address): {@code burst} tokens, refilled evenly at one token
 * per {@code interval}. {@link #take} spends a token, or says how long until one is there.
 *
 * <p>A bucket is one {@code long}: the time at which it will be full again (the generic cell rate
 * algorithm's "theoretical arrival time"), so taking a token is one atomic
 * {@link ConcurrentHashMap#compute} and exact under races: however many requests race, no more
 * than the bucket's tokens pass. A bucket that is full again is the same as no bucket, so it can be
 * dropped at any time without changing an answer.
 *
 * <p>Memory is bounded the way the engine's {@code LogInThrottle} bounds its table: at most
 * {@code maxEntries} buckets, counted with a reservation before insertion so races cannot
 * overshoot. Full buckets are swept out every so many new ones and whenever the table is full; if
 * it is still full, a tenth of it is evicted, the buckets with the most tokens left: the ones that
 * are refusing, or nearly, are the ones doing work, and a flood of addresses that each send a few
 * requests (the cheapest way to fill the table) evicts mostly its own buckets. An evicted client
 * starts again with a full bucket; refusing to track new clients instead would exempt them all.
 *
 * <p>Time comes from the clock only; no threads are started. Thread-safe.
 */
final class TokenBuckets {
    private static final Logger LOG = Logger.getLogger(TokenBuckets.class.getName());
    /** Clock readings further than this from the first one are clamped, so the arithmetic never overflows. */
    private static final long MAX_NANOS_FROM_ORIGIN = 100L * 366 * 24 * 3600 * 1_000_000_000L;

    private final String name;
    private final long interval;
    private final long full;
    private final int maxEntries;
    private final int lowWater;
    private final int sweepEvery;
    private final Clock clock;
    private final Instant origin;
    private final Map<String, Long> buckets = new ConcurrentHashMap<>();
    /** Buckets in the table plus slots reserved for buckets about to be added; never above maxEntries. */
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicInteger newSinceSweep = new AtomicInteger();
    private final ReentrantLock housekeeping = new ReentrantLock();

    /**
     * @param name what the buckets limit, for the warning logged on eviction
     * @param burst the tokens of a full bucket, at least 1
     * @param refill how long one token takes to come back, positive
     * @param maxEntries the most buckets kept, at least 10
     * @param clock where time comes from
     */
    TokenBuckets(String name, int burst, Duration refill, int maxEntries, Clock clock) {
        if (burst < 1 || refill.isNegative() || refill.isZero() || maxEntries < 10) {
            throw new IllegalArgumentException("burst >= 1, refill > 0, maxEntries >= 10");
        }
        this.name = name;
        this.interval = refill.toNanos();
        this.full = Math.multiplyExact(interval, (long) burst);
        this.maxEntries = maxEntries;
        this.lowWater = maxEntries - Math.max(1, maxEntries / 10);
        this.sweepEvery = Math.max(1_024, maxEntries / 16);
        this.clock = clock;
        this.origin = clock.instant();
    }

    /**
     * Spends one token of the key's bucket, if it has one.
     *
     * @param key the client's key
     * @return {@link Duration#ZERO} when a token was spent; otherwise how long until one is there
     *     (positive), and nothing was spent
     */
    Duration take(String key) {
        long now = now();
        long[] wait = {0};
        BiFunction<String, Long, Long> take = (k, fullAt) -> {
            long backlog = backlog(fullAt, now);
            if (backlog + interval <= full) {
                wait[0] = 0;
                return now + backlog + interval;
            }
            wait[0] = backlog + interval - full;
            return fullAt;
        };
        if (buckets.computeIfPresent(key, take) != null) {
            return Duration.ofNanos(wait[0]);
        }
        reserveSlot(now);
        boolean[] added = new boolean[1];
        buckets.compute(key, (k, fullAt) -> {
            added[0] = fullAt == null;
            return take.apply(k, fullAt);
        });
        if (!added[0]) {
            // Another thread added this bucket between the two calls; our slot is not needed.
            size.decrementAndGet();
        }
        return Duration.ofNanos(wait[0]);
    }

    /**
     * Gives back a token taken by {@link #take} (an admin request whose key was right, say). Never
     * fills a bucket beyond full.
     *
     * @param key the client's key
     */
    void giveBack(String key) {
        long now = now();
        buckets.computeIfPresent(key, (k, fullAt) -> Math.max(now, fullAt - interval));
    }

    /**
     * How many buckets are kept, for tests.
     *
     * @return the number of buckets in memory
     */
    int tracked() {
        return buckets.size();
    }

    /** Draining time left before the bucket is full again; never more than a full bucket's (a clock set back must not lengthen it). */
    private long backlog(Long fullAt, long now) {
        return fullAt == null ? 0 : Math.min(full, Math.max(0, fullAt - now));
    }

    /** Counts one more bucket, making room first when the table is full, so the bound holds under races. */
    private void reserveSlot(long now) {
        if (newSinceSweep.incrementAndGet() >= sweepEvery && housekeeping.tryLock()) {
            try {
                newSinceSweep.set(0);
                sweepFull(now);
            } finally {
                housekeeping.unlock();
            }
        }
        while (true) {
            int n = size.get();
            if (n >= maxEntries) {
                makeRoom(now);
            } else if (size.compareAndSet(n, n + 1)) {
                return;
            }
        }
    }

    private void makeRoom(long now) {
        housekeeping.lock();
        try {
            if (size.get() < maxEntries) {
                return;
            }
            sweepFull(now);
            if (size.get() >= maxEntries) {
                evictMostTokens(size.get() - lowWater, now);
            }
        } finally {
            housekeeping.unlock();
        }
    }

    /** Drops the buckets that are full again: the same as having none. */
    private void sweepFull(long now) {
        for (Map.Entry<String, Long> e : buckets.entrySet()) {
            if (e.getValue() <= now && buckets.remove(e.getKey(), e.getValue())) {
                size.decrementAndGet();
            }
        }
    }

    private void evictMostTokens(int excess, long now) {
        List<Map.Entry<String, Long>> entries = new ArrayList<>(buckets.entrySet());
        entries.sort((a, b) -> Long.compare(backlog(a.getValue(), now), backlog(b.getValue(), now)));
        int evicted = 0;
        for (Map.Entry<String, Long> e : entries) {
            if (evicted >= excess) {
                break;
            }
            if (buckets.remove(e.getKey(), e.getValue())) {
                size.decrementAndGet();
                evicted++;
            }
        }
        // Counts only: the keys are client addresses.
        LOG.warning("the " + name + " table was full (" + maxEntries + " clients): evicted the " + evicted
                + " with the most tokens left; if this happens without an attack, raise server.rateLimit.maxTrackedAddresses");
    }

    /** Nanoseconds since the first reading, clamped so that adding intervals can never overflow. */
    private long now() {
        Duration elapsed = Duration.between(origin, clock.instant());
        if (elapsed.compareTo(Duration.ofNanos(MAX_NANOS_FROM_ORIGIN)) > 0) {
            return MAX_NANOS_FROM_ORIGIN;
        }
        if (elapsed.compareTo(Duration.ofNanos(-MAX_NANOS_FROM_ORIGIN)) < 0) {
            return -MAX_NANOS_FROM_ORIGIN;
        }
        return elapsed.toNanos();
    }

    @Override
    public String toString() {
        return "TokenBuckets[" + name + ", burst=" + full / interval + ", refill=" + Duration.ofNanos(interval) + "]";
    }
}
