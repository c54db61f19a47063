package dev.latchkey.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that moves only when a test moves it. Thread-safe: engines read it from many threads
 * while the test advances it. Hand it to the engine ({@code Latchkey.app(id).clock(clock)}) to
 * expire tokens and sessions without waiting.
 */
public final class TestClock extends Clock {
    /** Where a new clock starts, unless told otherwise: a fixed, recognisable instant. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    /** A clock at {@link #DEFAULT_START}. */
    public TestClock() {
        this(DEFAULT_START);
    }

    /**
     * A clock at a given instant.
     *
     * @param start the first reading
     */
    public TestClock(Instant start) {
        this(new AtomicReference<>(start), ZoneOffset.UTC);
    }

    private TestClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /**
     * Moves time forward (or back, with a negative duration).
     *
     * @param duration how far
     * @return the new reading
     */
    public Instant advance(Duration duration) {
        return now.updateAndGet(t -> t.plus(duration));
    }

    /**
     * Jumps to an instant.
     *
     * @param instant the new reading
     */
    public void set(Instant instant) {
        now.set(instant);
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** A view in another zone that moves with this clock. */
    @Override
    public Clock withZone(ZoneId newZone) {
        return new TestClock(now, newZone);
    }

    @Override
    public String toString() {
        return "TestClock[" + now.get() + "]";
    }
}
