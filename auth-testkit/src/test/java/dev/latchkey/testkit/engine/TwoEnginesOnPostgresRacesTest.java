package dev.latchkey.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Session;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.store.Store;
import dev.latchkey.testkit.TestClock;
import dev.latchkey.testkit.db.PostgresDatabase;
import dev.latchkey.testkit.db.PostgresExtension;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The races spread over two engines, each with its own connection pool, sharing one PostgreSQL
 * database: two instances of one app, as in production behind a load balancer.
 */
@ExtendWith(PostgresExtension.class)
class TwoEnginesOnPostgresRacesTest extends EngineRaces {
    private final PostgresDatabase database;

    TwoEnginesOnPostgresRacesTest(PostgresDatabase database) {
        this.database = database;
    }

    @Override
    List<Supplier<Store>> stores() {
        return List.of(() -> PostgresEngineRacesTest.open(database), () -> PostgresEngineRacesTest.open(database));
    }

    /**
     * A key one engine makes is published at once but signs only a minute later, when every engine
     * has had time to read it: otherwise the other engine, which re-reads keys for an unknown kid at
     * most every few seconds, would refuse the first tokens signed with it.
     */
    @Test
    void aKeyRotatedOnOneEngineIsKnownToTheOtherBeforeItSigns(PostgresDatabase own) throws Exception {
        TestClock clock = new TestClock();
        try (AuthService first = onDatabase(own, clock); AuthService second = onDatabase(own, clock)) {
            Session before = first.logIn(PasswordlessIdp.as("rotation"));
            assertThat(second.verify(before.accessToken()).userId()).isEqualTo(before.user().id());
            clock.advance(Duration.ofSeconds(1));   // keys made in one instant have no order but their kids'
            first.rotateSigningKey();
            Session right = first.refresh(before.refreshToken());
            assertThat(second.verify(right.accessToken()).userId()).as("right after the rotation").isEqualTo(before.user().id());
            clock.advance(Duration.ofMinutes(1));
            Session later = first.refresh(before.refreshToken());
            assertThat(SignedJWT.parse(later.accessToken()).getHeader().getKeyID())
                    .isNotEqualTo(SignedJWT.parse(before.accessToken()).getHeader().getKeyID());
            assertThat(second.verify(later.accessToken()).userId()).as("once the new key signs").isEqualTo(before.user().id());
        }
    }

    /** Two engines on a database of their own: the races' engines run on the system clock, these on a test clock. */
    private static AuthService onDatabase(PostgresDatabase db, TestClock clock) {
        return Latchkey.service("race-app").store(PostgresEngineRacesTest.open(db)).provider(new PasswordlessIdp())
                .config(CONFIG).clock(clock).build();
    }
}
