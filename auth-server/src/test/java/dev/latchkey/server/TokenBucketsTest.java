package dev.latchkey.server;

import dev.latchkey.testkit.Race;
import dev.latchkey.testkit.TestClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The buckets behind the server's limits: exact under races, bounded in memory, evicting the least useful. */
class TokenBucketsTest {
    final TestClock clock = new TestClock();

    @Test
    void racingTakesPassExactlyTheBurst() throws Exception {
        TokenBuckets buckets = new TokenBuckets("test", 50, Duration.ofMinutes(1), 1_000, clock);
        List<Duration> waits = Race.run(200, i -> buckets.take("203.0.113.1"));
        assertThat(waits.stream().filter(Duration::isZero).count()).isEqualTo(50);
        assertThat(waits.stream().filter(w -> !w.isZero())).allSatisfy(w -> assertThat(w).isPositive());
    }

    @Test
    void theTableNeverHoldsMoreThanItsBound_evenWithManyClientsRacing() throws Exception {
        TokenBuckets buckets = new TokenBuckets("test", 5, Duration.ofSeconds(1), 100, clock);
        Race.run(8, i -> {
            for (int n = 0; n < 2_000; n++) {
                buckets.take("10." + i + "." + (n / 256) + "." + (n % 256));
                assertThat(buckets.tracked()).isLessThanOrEqualTo(100);
            }
            return null;
        });
        assertThat(buckets.tracked()).isLessThanOrEqualTo(100);
    }

    @Test
    void aFloodOfNewClientsEvictsThemselves_notTheClientThatIsBeingRefused() {
        TokenBuckets buckets = new TokenBuckets("test", 3, Duration.ofMinutes(1), 100, clock);
        for (int i = 0; i < 3; i++) {
            assertThat(buckets.take("attacker")).isZero();
        }
        assertThat(buckets.take("attacker")).isPositive();
        for (int n = 0; n < 10_000; n++) {
            buckets.take("flood-" + n);
        }
        assertThat(buckets.tracked()).isLessThanOrEqualTo(100);
        assertThat(buckets.take("attacker")).as("still refused: its bucket was kept").isPositive();
    }

    @Test
    void bucketsThatAreFullAgainAreSweptOut_withoutChangingAnAnswer() {
        TokenBuckets buckets = new TokenBuckets("test", 2, Duration.ofSeconds(1), 100, clock);
        for (int n = 0; n < 100; n++) {
            buckets.take("client-" + n);
        }
        assertThat(buckets.tracked()).isEqualTo(100);
        clock.advance(Duration.ofSeconds(2));
        buckets.take("newcomer");
        assertThat(buckets.tracked()).as("the full-again buckets were dropped to make room").isLessThanOrEqualTo(2);
        assertThat(buckets.take("client-0")).isZero();
        assertThat(buckets.take("client-0")).isZero();
        assertThat(buckets.take("client-0")).isPositive();
    }

    @Test
    void giveBackReturnsOneToken_neverMoreThanABurst() {
        TokenBuckets buckets = new TokenBuckets("test", 2, Duration.ofMinutes(1), 100, clock);
        buckets.giveBack("a");
        buckets.take("a");
        buckets.giveBack("a");
        buckets.giveBack("a");
        assertThat(buckets.take("a")).isZero();
        assertThat(buckets.take("a")).isZero();
        assertThat(buckets.take("a")).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void aClockSetBackNeverLengthensTheWait() {
        TokenBuckets buckets = new TokenBuckets("test", 1, Duration.ofMinutes(1), 100, clock);
        buckets.take("a");
        clock.advance(Duration.ofDays(-365));
        assertThat(buckets.take("a")).isLessThanOrEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void clientKeysGroupIpv6BySlash64AndKeepIpv4() {
        assertThat(RequestLimits.clientKey("203.0.113.9")).isEqualTo("203.0.113.9");
        assertThat(RequestLimits.clientKey("2001:db8:0:1:2:3:4:5")).isEqualTo(RequestLimits.clientKey("2001:db8::1:ffff:0:0:1"))
                .isEqualTo("2001:db8:0:1::/64");
        assertThat(RequestLimits.clientKey("2001:db8:0:2::1")).isNotEqualTo(RequestLimits.clientKey("2001:db8:0:1::1"));
        assertThat(RequestLimits.retryAfterSeconds(Duration.ofMillis(1))).isEqualTo(1);
        assertThat(RequestLimits.retryAfterSeconds(Duration.ofMillis(89_001))).isEqualTo(90);
    }
}
