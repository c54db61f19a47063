package dev.latchkey.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Session;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.api.Identity;
import dev.latchkey.api.spi.AccountNaming;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.ProviderContext;
import dev.latchkey.testkit.Race;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
        // Every guess that gets into the provider waits there until all 32 have been answered or let in:
        // had the throttle counted failures only after the provider answered, all 32 would be inside.
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        CredentialProvider gated = new GatedIdp(() -> {
            inside.incrementAndGet();
            await(release);
        });
        try (EngineHarness gatedEngine = EngineHarness.builder().provider(gated).enable(GatedIdp.TYPE)
                .throttle(Map.of("accountFailures", 3, "accountWindow", "PT3M")).build().start()) {
            Credentials guess = Credentials.of(GatedIdp.TYPE, Map.of("user", "ann"));
            Thread opener = new Thread(() -> {
                while (inside.get() + refused.get() < 32) {
                    Thread.onSpinWait();
                }
                release.countDown();
            });
            opener.start();
            List<ErrorCode> outcomes = Race.run(32, i -> {
                AuthException e = catchThrowableOfType(AuthException.class, () -> gatedEngine.service().logIn(guess, null, "10.0.0.66"));
                if (e.code() == ErrorCode.RATE_LIMITED) {
                    refused.incrementAndGet();
                }
                return e.code();
            });
            opener.join();
            assertThat(inside.get()).isEqualTo(3);
            assertThat(outcomes).filteredOn(c -> c == ErrorCode.INVALID_CREDENTIALS).hasSize(3);
            assertThat(outcomes).filteredOn(c -> c == ErrorCode.RATE_LIMITED).hasSize(29);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Refuses every credential, after running a hook inside authenticate; names the account like a password provider. */
    private record GatedIdp(Runnable hook) implements CredentialProvider, AccountNaming {
        static final String TYPE = "test-gated";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void start(ProviderContext context) {
        }

        @Override
        public Identity authenticate(Credentials credentials) {
            hook.run();
            throw new AuthException(ErrorCode.INVALID_CREDENTIALS, "wrong");
        }

        @Override
        public Optional<String> accountOf(Credentials credentials) {
            return credentials.stringField("user");
        }
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

    @Test
    void aBackendThatIsDownOrLimitingCostsTheAccountNothing() {
        AtomicInteger calls = new AtomicInteger();
        CredentialProvider flaky = new GatedIdp(() -> {
            if (calls.incrementAndGet() % 2 == 0) {
                throw new AuthException(ErrorCode.NETWORK, "the backend is down");
            }
            throw AuthException.retryLater(ErrorCode.RATE_LIMITED, "the backend is limiting requests", Duration.ofSeconds(5));
        });
        try (EngineHarness flakyEngine = EngineHarness.builder().provider(flaky).enable(GatedIdp.TYPE)
                .throttle(Map.of("accountFailures", 3, "accountWindow", "PT3M")).build().start()) {
            Credentials attempt = Credentials.of(GatedIdp.TYPE, Map.of("user", "ann"));
            for (int i = 0; i < 10; i++) {
                AuthException e = catchThrowableOfType(AuthException.class, () -> flakyEngine.service().logIn(attempt, null, "10.0.0.1"));
                assertThat(e.getMessage()).startsWith("the backend");
            }
        }
    }
}
