package dev.latchkey.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Session;
import dev.latchkey.testkit.EngineHarness;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine wraps every provider call in the log-in throttle (SECURITY.md 20). */
class LogInThrottleEngineTest {
    private final EngineHarness engine = EngineHarness.builder().provider(new PasswordlessIdp()).enable(PasswordlessIdp.TYPE)
            .enable("anon-user").throttle(Map.of("accountFailures", 3, "accountWindow", "PT3M", "sourceFailures", 5,
                    "sourceWindow", "PT5M")).build().start();

    @AfterEach
    void close() {
        engine.close();
    }

    private static Credentials wrong(String user) {
        return Credentials.of(PasswordlessIdp.TYPE, Map.of("user", user, "code", "guess"));
    }

    private AuthException refusal(Credentials credentials, String source) {
        return catchThrowableOfType(AuthException.class, () -> engine.service().logIn(credentials, null, source));
    }

    @Test
    void anAccountGuessedFromOneSourceIsThrottledThereAndNotForItsOwnerElsewhere() {
        for (int i = 0; i < 3; i++) {
            assertThat(refusal(wrong("ann"), "10.0.0.66").code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
        AuthException limited = refusal(PasswordlessIdp.as("ann"), "10.0.0.66");
        assertThat(limited.code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(limited.retryAfter()).contains(Duration.ofMinutes(1));
        assertThat(limited.getMessage()).doesNotContain("ann").doesNotContain("10.0.0.66");

        Session owner = engine.service().logIn(PasswordlessIdp.as("ann"), null, "192.168.1.7");
        assertThat(owner.user().identities().get(0).subject()).isEqualTo("ann");

        engine.clock().advance(Duration.ofMinutes(1));
        engine.service().logIn(PasswordlessIdp.as("ann"), null, "10.0.0.66");
    }

    @Test
    void sprayingManyAccountsFromOneSourceIsThrottledForThatSourceOnly() {
        for (int i = 0; i < 5; i++) {
            refusal(wrong("user" + i), "10.0.0.66");
        }
        assertThat(refusal(wrong("someone-else"), "10.0.0.66").code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(refusal(Credentials.anonymous(), "10.0.0.66").code()).isEqualTo(ErrorCode.RATE_LIMITED);
        engine.service().logIn(PasswordlessIdp.as("bob"), null, "10.0.0.67");
    }

    @Test
    void withoutASourceTheLimitIsPerAccountAndDecays() {
        for (int i = 0; i < 3; i++) {
            refusal(wrong("ann"), null);
        }
        assertThat(refusal(PasswordlessIdp.as("ann"), null).code()).isEqualTo(ErrorCode.RATE_LIMITED);
        engine.service().logIn(PasswordlessIdp.as("bob"));
        engine.clock().advance(Duration.ofMinutes(3));
        engine.service().logIn(PasswordlessIdp.as("ann"));
    }

    @Test
    void aSuccessForgetsTheAccountsFailuresFromThatSource() {
        refusal(wrong("ann"), "10.0.0.1");
        refusal(wrong("ann"), "10.0.0.1");
        engine.service().logIn(PasswordlessIdp.as("ann"), null, "10.0.0.1");
        refusal(wrong("ann"), "10.0.0.1");
        refusal(wrong("ann"), "10.0.0.1");
        assertThat(refusal(wrong("ann"), "10.0.0.1").code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void malformedCredentialsAndOtherErrorsAreNotCountedAsGuesses() {
        Credentials malformed = Credentials.of(PasswordlessIdp.TYPE, Map.of("user", "ann"));
        for (int i = 0; i < 5; i++) {
            assertThat(refusal(malformed, null).code()).isEqualTo(ErrorCode.MALFORMED);
        }
        engine.service().logIn(PasswordlessIdp.as("ann"));
    }

    @Test
    void linkingCredentialsIsThrottledPerLinkingUser() {
        Session anon = engine.service().logIn(Credentials.anonymous());
        for (int i = 0; i < 3; i++) {
            AuthException e = catchThrowableOfType(AuthException.class,
                    () -> engine.service().linkCredentials(anon.accessToken(), wrong("ann")));
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
        AuthException limited = catchThrowableOfType(AuthException.class,
                () -> engine.service().linkCredentials(anon.accessToken(), PasswordlessIdp.as("ann")));
        assertThat(limited.code()).isEqualTo(ErrorCode.RATE_LIMITED);
        engine.service().logIn(PasswordlessIdp.as("ann"));
    }

    @Test
    void parallelGuessesCannotAllSlipPastTheLimit() throws Exception {
        java.util.List<ErrorCode> outcomes = dev.latchkey.testkit.Race.run(32,
                i -> refusal(wrong("ann"), "10.0.0.66").code());
        assertThat(outcomes).filteredOn(c -> c == ErrorCode.INVALID_CREDENTIALS).hasSize(3);
        assertThat(outcomes).filteredOn(c -> c == ErrorCode.RATE_LIMITED).hasSize(29);
    }

    @Test
    void aRefusedAttemptIsNotCountedAndAnAbandonedOneIsRefunded() {
        Credentials malformed = Credentials.of(PasswordlessIdp.TYPE, Map.of("user", "ann"));
        for (int i = 0; i < 10; i++) {
            refusal(malformed, "10.0.0.1");
        }
        for (int i = 0; i < 3; i++) {
            assertThat(refusal(wrong("ann"), "10.0.0.1").code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
        for (int i = 0; i < 5; i++) {
            assertThat(refusal(wrong("ann"), "10.0.0.1").code()).isEqualTo(ErrorCode.RATE_LIMITED);
        }
        engine.clock().advance(Duration.ofMinutes(1));
        engine.service().logIn(PasswordlessIdp.as("ann"), null, "10.0.0.1");
    }
}
