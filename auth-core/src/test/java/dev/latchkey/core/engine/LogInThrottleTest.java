package dev.latchkey.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.core.MovingClock;
import dev.latchkey.core.config.ThrottleSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** SECURITY.md 20: repeated failures and spraying are throttled, and no attacker can lock a victim out for good. */
class LogInThrottleTest {
    private static final String TYPE = "local-userpass";
    private static final String ALICE = "alice@example.com";
    private static final String ATTACKER_IP = "203.0.113.7";
    private static final String VICTIM_IP = "198.51.100.23";

    private final MovingClock clock = new MovingClock();

    @Test
    void theAccountLimitRefusesTheAttemptAfterExactlyAccountFailuresFailures() {
        LogInThrottle throttle = new LogInThrottle(ThrottleSettings.DEFAULTS, clock);
        for (int i = 0; i < 10; i++) {
            throttle.begin(TYPE, ALICE, ATTACKER_IP).failed();
        }

        AuthException refused = refusal(throttle, ALICE, ATTACKER_IP);

        assertThat(refused.code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(refused.retryAfter()).as("15 minutes / 10 failures").hasValue(Duration.ofSeconds(90));
        assertThat(refused.getMessage()).isEqualTo("too many failed log-ins for this account: try again in 90 s");
    }

    @Test
    void aRefusedPairMayTryAgainOnceTheRetryAfterHasPassed() {
        LogInThrottle throttle = new LogInThrottle(ThrottleSettings.DEFAULTS, clock);
        failTimes(throttle, ALICE, ATTACKER_IP, 10);

        clock.advance(Duration.ofSeconds(89));
        assertThat(refusal(throttle, ALICE, ATTACKER_IP).retryAfter()).hasValue(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));

        assertAllowed(throttle, ALICE, ATTACKER_IP);
    }

    @Test
    void theBucketDrainsLinearlyAndAPartialDrainAllowsExactlyOneMoreAttempt() {
        LogInThrottle throttle = new LogInThrottle(ThrottleSettings.DEFAULTS, clock);
        failTimes(throttle, ALICE, ATTACKER_IP, 10);

        clock.advance(Duration.ofSeconds(45));
        assertThat(refusal(throttle, ALICE, ATTACKER_IP).retryAfter()).as("half a drain interval to go")
                .hasValue(Duration.ofSeconds(45));

        clock.advance(Duration.ofSeconds(45 + 2 * 90));
        for (int i = 0; i < 3; i++) {
            throttle.begin(TYPE, ALICE, ATTACKER_IP).failed();
        }

        assertThat(refusal(throttle, ALICE, ATTACKER_IP).retryAfter()).as("three intervals drained, three more attempts")
                .hasValue(Duration.ofSeconds(90));
    }

    @Test
    void hammeringARefusedPairNeverLengthensTheWaitBeyondOneInterval() {
        LogInThrottle throttle = new LogInThrottle(ThrottleSettings.DEFAULTS, clock);

        // begin holds a place before the provider answers, so no failure can race past the limit:
        // of 10,000 attempts, the first 10 are counted and the rest refused without counting.
        int refused = 0;
        for (int i = 0; i < 10_000; i++) {
            try {
                throttle.begin(TYPE, ALICE, null).failed();
            } catch (AuthException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
                refused++;
            }
        }

        assertThat(refused).isEqualTo(10_000 - 10);
        assertThat(refusal(throttle, ALICE, null).retryAfter()).hasValue(Duration.ofSeconds(90));
        clock.advance(Duration.ofSeconds(90));
        assertAllowed(throttle, ALICE, null);
    }

    @Test
    void aClockSetBackDoesNotLengthenTheWait() {
        LogInThrottle throttle = new LogInThrottle(ThrottleSettings.DEFAULTS, clock);
        failTimes(throttle, ALICE, ATTACKER_IP, 10);

        clock.advance(Duration.ofDays(-3));

        assertThat(refusal(throttle, ALICE, ATTACKER_IP).retryAfter()).hasValue(Duration.ofSeconds(90));
    }

    @Test
    void aSuccessEmptiesThePairButNotTheSource() {
        LogInThrottle throttle = new LogInThrottle(settings(10, 15), clock);
        failTimes(throttle, ALICE, ATTACKER_IP, 9);

        throttle.begin(TYPE, ALICE, ATTACKER_IP).succeeded();

        // The pair starts again at zero; the source still holds its 9 of 15, so only 6 more fit.
        failTimes(throttle, ALICE, ATTACKER_IP, 6);
        assertThat(refusal(throttle, ALICE, ATTACKER_IP).getMessage()).startsWith("too many failed log-ins from this address");
    }

    @Test
    void anAttackersFailuresDoNotSlowTheVictimFromAnotherSource() {
        LogInThrottle throttle = new LogInThrottle(ThrottleSettings.DEFAULTS, clock);
        failTimes(throttle, ALICE, ATTACKER_IP, 10);

        assertAllowed(throttle, ALICE, VICTIM_IP);
        throttle.begin(TYPE, ALICE, VICTIM_IP).succeeded();

        assertThat(refusal(throttle, ALICE, ATTACKER_IP).code()).as("the victim's success clears only the victim's pair")
                .isEqualTo(ErrorCode.RATE_LIMITED);
    }

    @Test
    void oneSourceSprayingGuessesOver200AccountsIsRefusedWhileAnotherSourceStillWorks() {
        LogInThrottle throttle = new LogInThrottle(ThrottleSettings.DEFAULTS, clock);
        int recorded = 0;
        AuthException last = null;
        for (int i = 0; i < 200; i++) {
            try {
                throttle.begin(TYPE, "user" + i + "@example.com", ATTACKER_IP).failed();
                recorded++;
            } catch (AuthException e) {
                last = e;
            }
        }

        assertThat(recorded).isEqualTo(100);
        assertThat(last).isNotNull();
        assertThat(last.code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(last.retryAfter()).as("1 hour / 100 failures").hasValue(Duration.ofSeconds(36));
        assertThat(last.getMessage()).isEqualTo("too many failed log-ins from this address: try again in 36 s");
        assertAllowed(throttle, "user150@example.com", VICTIM_IP);
    }

    @Test
    void theSourceLimitSpansProvidersButThePairLimitIsPerProvider() {
        LogInThrottle throttle = new LogInThrottle(settings(10, 15), clock);
        failTimes(throttle, ALICE, ATTACKER_IP, 10);

        assertThatCode(() -> throttle.begin("custom-function", ALICE, ATTACKER_IP).abandoned()).doesNotThrowAnyException();
        for (int i = 0; i < 5; i++) {
            throttle.begin("custom-function", ALICE, ATTACKER_IP).failed();
        }

        assertThat(catchThrowableOfType(AuthException.class, () -> throttle.begin("custom-function", ALICE, ATTACKER_IP))
                .getMessage()).startsWith("too many failed log-ins from this address");
    }

    @Test
    void withoutASourceThePairIsTheAccountAloneAndNoSourceLimitApplies() {
        LogInThrottle throttle = new LogInThrottle(ThrottleSettings.DEFAULTS, clock);
        failTimes(throttle, ALICE, null, 10);

        assertThat(refusal(throttle, ALICE, null).getMessage()).startsWith("too many failed log-ins for this account");
        assertAllowed(throttle, ALICE, VICTIM_IP);
        for (int i = 0; i < 200; i++) {
            assertAllowed(throttle, "user" + i + "@example.com", null);
            throttle.begin(TYPE, "user" + i + "@example.com", null).failed();
        }
    }

    @Test
    void aBlankSourceIsAnUnknownSourceNotOneSharedByEveryone() {
        LogInThrottle throttle = new LogInThrottle(ThrottleSettings.DEFAULTS, clock);
        for (int i = 0; i < 200; i++) {
            throttle.begin(TYPE, "user" + i + "@example.com", " ").failed();
        }
        failTimes(throttle, ALICE, "", 10);

        assertAllowed(throttle, "bob@example.com", "");
        assertThat(refusal(throttle, ALICE, null).code()).as("blank and null are the same unknown source")
                .isEqualTo(ErrorCode.RATE_LIMITED);
    }

    @Test
    void withoutAnAccountOnlyTheSourceLimitApplies() {
        LogInThrottle throttle = new LogInThrottle(ThrottleSettings.DEFAULTS, clock);
        for (int i = 0; i < 99; i++) {
            throttle.begin(TYPE, null, ATTACKER_IP).failed();
        }
        assertAllowed(throttle, null, ATTACKER_IP);
        assertThat(throttle.trackedBuckets()).as("no pair bucket without an account").isEqualTo(1);

        throttle.begin(TYPE, null, ATTACKER_IP).failed();

        assertThat(refusal(throttle, null, ATTACKER_IP).getMessage()).startsWith("too many failed log-ins from this address");
    }

    @Test
    void withNeitherAccountNorSourceNothingIsTracked() {
        LogInThrottle throttle = new LogInThrottle(ThrottleSettings.DEFAULTS, clock);

        failTimes(throttle, null, null, 1_000);
        throttle.begin(TYPE, null, null).succeeded();

        assertThat(throttle.trackedBuckets()).isZero();
    }

    @Test
    void aDisabledThrottleDoesNothing() {
        ThrottleSettings off = new ThrottleSettings(false, 1, Duration.ofDays(1), 1, Duration.ofDays(1), 1_000);
        LogInThrottle throttle = new LogInThrottle(off, clock);

        failTimes(throttle, ALICE, ATTACKER_IP, 1_000);
        throttle.begin(TYPE, ALICE, ATTACKER_IP).succeeded();

        assertAllowed(throttle, ALICE, ATTACKER_IP);
        assertThat(throttle.trackedBuckets()).isZero();
    }

    @Test
    void messagesNameNeitherTheAccountNorTheSource() {
        LogInThrottle throttle = new LogInThrottle(settings(10, 11), clock);
        failTimes(throttle, ALICE, ATTACKER_IP, 10);
        AuthException byPair = refusal(throttle, ALICE, ATTACKER_IP);
        throttle.begin(TYPE, "bob@example.com", ATTACKER_IP).failed();
        AuthException bySource = refusal(throttle, "bob@example.com", ATTACKER_IP);

        for (AuthException e : List.of(byPair, bySource)) {
            assertThat(e.getMessage()).doesNotContain(ALICE, "alice", "bob", ATTACKER_IP, "203.0.113");
            assertThat(e.toString()).doesNotContain(ALICE, ATTACKER_IP);
        }
        assertThat(byPair.getMessage()).startsWith("too many failed log-ins for this account");
        assertThat(bySource.getMessage()).startsWith("too many failed log-ins from this address");
    }

    @Test
    void aNullProviderTypeIsAnInvalidParameter() {
        LogInThrottle throttle = new LogInThrottle(ThrottleSettings.DEFAULTS, clock);

        AuthException e = catchThrowableOfType(AuthException.class, () -> throttle.begin(null, ALICE, ATTACKER_IP));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER);
    }

    @Test
    void racingFailuresOnOnePairAreEachCounted() throws Exception {
        // 800 failures over 800 s: the 800th fills the bucket exactly; a lost one would leave room.
        LogInThrottle throttle = new LogInThrottle(new ThrottleSettings(true, 800, Duration.ofSeconds(800), 1_000_000,
                Duration.ofDays(1), 1_000), clock);

        race(16, thread -> {
            for (int i = 0; i < 50; i++) {
                throttle.begin(TYPE, ALICE, ATTACKER_IP).failed();
            }
        });

        assertThat(refusal(throttle, ALICE, ATTACKER_IP).retryAfter()).hasValue(Duration.ofSeconds(1));
        assertThat(throttle.trackedBuckets()).isEqualTo(2);
    }

    @Test
    void racingFailuresFromOneSourceOverManyAccountsAreEachCounted() throws Exception {
        LogInThrottle throttle = new LogInThrottle(new ThrottleSettings(true, 1_000, Duration.ofDays(1), 800,
                Duration.ofSeconds(800), 1_000), clock);

        race(16, thread -> {
            for (int i = 0; i < 50; i++) {
                throttle.begin(TYPE, "user" + thread + "-" + (i % 5) + "@example.com", ATTACKER_IP).failed();
            }
        });

        // Counted before the refusal: a begin refused by the source leaves its new pair bucket behind, empty.
        assertThat(throttle.trackedBuckets()).isEqualTo(16 * 5 + 1);
        AuthException refused = refusal(throttle, "someone-else@example.com", ATTACKER_IP);
        assertThat(refused.getMessage()).startsWith("too many failed log-ins from this address");
        assertThat(refused.retryAfter()).hasValue(Duration.ofSeconds(1));
    }

    @Test
    void aMegabyteAccountNameIsThrottledLikeAnyOtherUnderAFixedSizeKey() {
        LogInThrottle throttle = new LogInThrottle(ThrottleSettings.DEFAULTS, clock);
        String huge = "a".repeat(1 << 20);
        failTimes(throttle, huge, ATTACKER_IP, 10);

        assertThat(refusal(throttle, new String(huge.toCharArray()), ATTACKER_IP).getMessage()).doesNotContain("aaaa");
        assertThat(throttle.trackedBuckets()).isEqualTo(2);
        assertAllowed(throttle, huge.substring(1) + "b", ATTACKER_IP);
        assertAllowed(throttle, huge.substring(1), ATTACKER_IP);
        assertThat(throttle.trackedBuckets()).as("each allowed attempt leaves an empty pair bucket for the sweep")
                .isEqualTo(4);
    }

    @Test
    void keysAreExactForEveryString() {
        LogInThrottle throttle = new LogInThrottle(ThrottleSettings.DEFAULTS, clock);
        failTimes(throttle, "\uD800", ATTACKER_IP, 10);
        failTimes(throttle, "a", "b|c", 10);

        assertAllowed(throttle, "?", ATTACKER_IP); // UTF-8 would encode the lone surrogate as '?'
        assertAllowed(throttle, "\uFFFD", ATTACKER_IP);
        assertAllowed(throttle, "a|b", "c"); // fields are length-prefixed, not joined
        assertAllowed(throttle, "ab", "|c");
    }

    @Test
    void theTableNeverHoldsMoreThanMaxEntriesAndKeepsTheBucketsThatRefuse() {
        LogInThrottle throttle = new LogInThrottle(new ThrottleSettings(true, 10, Duration.ofMinutes(15), 100,
                Duration.ofHours(1), 1_000), clock);
        for (int target = 0; target < 50; target++) {
            failTimes(throttle, "target" + target + "@example.com", null, 10);
        }

        for (int i = 0; i < 5_000; i++) {
            throttle.begin(TYPE, "flood" + i + "@example.com", null).failed();
            assertThat(throttle.trackedBuckets()).isLessThanOrEqualTo(1_000);
        }

        for (int target = 0; target < 50; target++) {
            assertThat(refusal(throttle, "target" + target + "@example.com", null).retryAfter())
                    .as("full buckets outlive a flood of single failures").hasValue(Duration.ofSeconds(90));
        }
    }

    @Test
    void racingNewBucketsNeverExceedMaxEntries() throws Exception {
        LogInThrottle throttle = new LogInThrottle(new ThrottleSettings(true, 10, Duration.ofMinutes(15), 100,
                Duration.ofHours(1), 1_000), clock);

        race(16, thread -> {
            for (int i = 0; i < 500; i++) {
                throttle.begin(TYPE, "user" + thread + "-" + i, "192.0.2." + (i % 200)).failed();
            }
        });

        // Checked once the race is over: ConcurrentHashMap.size() is only an estimate while writers run.
        assertThat(throttle.trackedBuckets()).isBetween(1, 1_000);
    }

    @Test
    void emptyBucketsAreSweptOutWhenTheTableFills() {
        LogInThrottle throttle = new LogInThrottle(new ThrottleSettings(true, 10, Duration.ofMinutes(15), 100,
                Duration.ofHours(1), 1_000), clock);
        for (int i = 0; i < 1_000; i++) {
            throttle.begin(TYPE, "user" + i + "@example.com", null).failed();
        }
        assertThat(throttle.trackedBuckets()).isEqualTo(1_000);

        clock.advance(Duration.ofSeconds(90));
        throttle.begin(TYPE, ALICE, null).failed();

        assertThat(throttle.trackedBuckets()).as("every drained bucket removed, only the new one left").isEqualTo(1);
    }

    @Test
    void aSuccessFreesThePairsBucketAtTheNextSweep() {
        // maxEntries 16,384: a sweep of empty buckets runs every 1,024 new buckets (maxEntries / 16).
        LogInThrottle throttle = new LogInThrottle(new ThrottleSettings(true, 10, Duration.ofMinutes(15), 100,
                Duration.ofHours(1), 16_384), clock);
        throttle.begin(TYPE, ALICE, null).failed();

        throttle.begin(TYPE, ALICE, null).succeeded();

        // Unlike the old step API's succeeded(), which removed the bucket at once, a settled success
        // leaves it empty; the next sweep frees it. New buckets 2 to 1,023 hold one failure each.
        for (int i = 2; i <= 1_023; i++) {
            throttle.begin(TYPE, "user" + i + "@example.com", null).failed();
        }
        assertThat(throttle.trackedBuckets()).isEqualTo(1_023);
        throttle.begin(TYPE, "user1024@example.com", null).failed();

        assertThat(throttle.trackedBuckets()).as("the 1,024th new bucket's sweep freed the success's empty one")
                .isEqualTo(1_023);
    }

    @Test
    void aFailureInFlightStillCountsWhenItsBucketWasEvicted() {
        LogInThrottle throttle = new LogInThrottle(new ThrottleSettings(true, 10, Duration.ofMinutes(15), 100,
                Duration.ofHours(1), 1_000), clock);
        LogInThrottle.Attempt alice = throttle.begin(TYPE, ALICE, null);
        for (int i = 0; i < 999; i++) {
            failTimes(throttle, "full" + i + "@example.com", null, 10);
        }
        // The table is full; one more bucket evicts a tenth, nearest to empty first: Alice's, one place in flight.
        throttle.begin(TYPE, "trigger@example.com", null).failed();
        assertThat(throttle.trackedBuckets()).isLessThanOrEqualTo(1_000);

        alice.failed();

        failTimes(throttle, ALICE, null, 9);
        assertThat(refusal(throttle, ALICE, null).retryAfter()).as("the evicted attempt's failure was counted anew")
                .hasValue(Duration.ofSeconds(90));
    }

    @Test
    void waitsAreShownRoundedUp() {
        assertThat(LogInThrottle.shown(Duration.ofMillis(1))).isEqualTo("1 s");
        assertThat(LogInThrottle.shown(Duration.ofMillis(36_001))).isEqualTo("37 s");
        assertThat(LogInThrottle.shown(Duration.ofSeconds(119))).isEqualTo("119 s");
        assertThat(LogInThrottle.shown(Duration.ofSeconds(11 * 60 + 5))).isEqualTo("12 min");
        assertThat(LogInThrottle.shown(Duration.ofMinutes(119))).isEqualTo("119 min");
        assertThat(LogInThrottle.shown(Duration.ofMinutes(121))).isEqualTo("3 h");
    }

    private static void failTimes(LogInThrottle throttle, String account, String source, int times) {
        for (int i = 0; i < times; i++) {
            throttle.begin(TYPE, account, source).failed();
        }
    }

    private static AuthException refusal(LogInThrottle throttle, String account, String source) {
        AuthException e = catchThrowableOfType(AuthException.class, () -> throttle.begin(TYPE, account, source));
        assertThat(e).as("the attempt should be refused").isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
        return e;
    }

    /** Begins an attempt, which must be let in, and abandons it: it counts for nothing. */
    private static void assertAllowed(LogInThrottle throttle, String account, String source) {
        assertThatCode(() -> throttle.begin(TYPE, account, source).abandoned()).doesNotThrowAnyException();
    }

    @Test
    void attemptsInFlightHoldPlacesAndSettleOnce() {
        LogInThrottle throttle = new LogInThrottle(settings(3, 100), clock);
        LogInThrottle.Attempt first = throttle.begin(TYPE, ALICE, ATTACKER_IP);
        LogInThrottle.Attempt second = throttle.begin(TYPE, ALICE, ATTACKER_IP);
        first.failed();
        first.failed();   // a second settlement changes nothing
        second.abandoned();
        // One failure counted: two more attempts fit, the third is refused by the settled failures.
        throttle.begin(TYPE, ALICE, ATTACKER_IP).failed();
        throttle.begin(TYPE, ALICE, ATTACKER_IP).failed();
        AuthException refused = catchThrowableOfType(AuthException.class, () -> throttle.begin(TYPE, ALICE, ATTACKER_IP));
        assertThat(refused.code()).isEqualTo(ErrorCode.RATE_LIMITED);
        throttle.begin(TYPE, ALICE, VICTIM_IP).succeeded();
    }

    @Test
    void aBucketFullOnlyOfAttemptsInFlightMakesTheNextWaitNotFail() throws Exception {
        LogInThrottle throttle = new LogInThrottle(settings(2, 100), clock);
        LogInThrottle.Attempt first = throttle.begin(TYPE, ALICE, ATTACKER_IP);
        LogInThrottle.Attempt second = throttle.begin(TYPE, ALICE, ATTACKER_IP);
        java.util.concurrent.CompletableFuture<LogInThrottle.Attempt> third =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> throttle.begin(TYPE, ALICE, ATTACKER_IP));
        // It cannot have entered while both places are held: settling one lets it in.
        Thread.sleep(50);
        assertThat(third).isNotDone();
        first.succeeded();
        third.get(10, java.util.concurrent.TimeUnit.SECONDS).succeeded();
        second.succeeded();
        throttle.begin(TYPE, ALICE, ATTACKER_IP).succeeded();
    }

    @Test
    void aSuccessInFlightForgetsTheSettledFailuresButNotTheOthersInFlight() throws Exception {
        LogInThrottle throttle = new LogInThrottle(settings(2, 100), clock);
        throttle.begin(TYPE, ALICE, ATTACKER_IP).failed();
        LogInThrottle.Attempt inFlight = throttle.begin(TYPE, ALICE, ATTACKER_IP);
        throttle.begin(TYPE, ALICE, VICTIM_IP).succeeded();   // another source's pair: no effect here
        // The settled failure alone does not refuse: the next attempt waits for the one in flight
        // (a refusal would end it at once), and gets in when that one is settled.
        java.util.concurrent.CompletableFuture<LogInThrottle.Attempt> waiting =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> throttle.begin(TYPE, ALICE, ATTACKER_IP));
        Thread.sleep(50);
        assertThat(waiting).isNotDone();
        inFlight.succeeded();
        waiting.get(10, TimeUnit.SECONDS).abandoned();
        throttle.begin(TYPE, ALICE, ATTACKER_IP).failed();
        throttle.begin(TYPE, ALICE, ATTACKER_IP).failed();
        assertThat(catchThrowableOfType(AuthException.class, () -> throttle.begin(TYPE, ALICE, ATTACKER_IP)).code())
                .isEqualTo(ErrorCode.RATE_LIMITED);
    }

    private static ThrottleSettings settings(int accountFailures, int sourceFailures) {
        return new ThrottleSettings(true, accountFailures, Duration.ofMinutes(15), sourceFailures, Duration.ofHours(1), 100_000);
    }

    /** Runs the body on real threads released together, and rethrows the first failure. */
    private static void race(int threads, ThreadBody body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    body.run(thread);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    private interface ThreadBody {
        void run(int thread);
    }
}
