package dev.latchkey.provider.email;

import static dev.latchkey.provider.email.EmailFixture.CONFIRM_URL;
import static dev.latchkey.provider.email.EmailFixture.RESET_URL;
import static dev.latchkey.provider.email.EmailFixture.assertCode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.EmailPasswordAuth;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.Session;
import dev.latchkey.core.store.Store;
import dev.latchkey.provider.email.EmailFixture.TokenPair;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.Race;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole flow and its races on one store; subclasses choose the store (in memory, the embedded
 * H2 file, PostgreSQL), since the provider's transactions are only as good as the store's.
 */
abstract class EmailPasswordRaces {
    private static final String PASSWORD = "a long enough secret";

    private final EmailFixture fixture = new EmailFixture();

    /** Makes the store an engine starts with. */
    abstract Supplier<Store> store();

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void registerConfirmLogInResetLogInThroughSmtp() {
        EngineHarness engine = fixture.engine(settings -> { }, builder -> builder.store(store()));
        EmailPasswordAuth accounts = engine.app().emailPassword();
        accounts.registerUser("ann@example.com", PASSWORD);
        TokenPair confirm = fixture.tokensIn(fixture.awaitMail("ann@example.com"), CONFIRM_URL);
        accounts.confirmUser(confirm.token(), confirm.tokenId());
        Session first = engine.service().logIn(Credentials.emailPassword("ann@example.com", PASSWORD));

        accounts.sendResetPasswordEmail("ann@example.com");
        TokenPair reset = fixture.tokensIn(fixture.awaitMail("ann@example.com"), RESET_URL);
        accounts.resetPassword(reset.token(), reset.tokenId(), "the second password");

        assertCode(() -> engine.service().refresh(first.refreshToken()), ErrorCode.INVALID_SESSION);
        assertThat(engine.service().logIn(Credentials.emailPassword("ann@example.com", "the second password")).user().id())
                .isEqualTo(first.user().id());
    }

    @Test
    void ofRacingRegistrationsOfOneAddressExactlyOneWins() throws Exception {
        // The throttle off: twelve registrations of one address would, rightly, exceed its mail budget.
        try (EngineHarness engine = EngineHarness.builder().store(store()).enable(ProviderTypes.EMAIL_PASSWORD,
                Map.of("autoConfirm", true, "passwordHashing", EmailFixture.CHEAP_HASHING))
                .throttle(Map.of("enabled", false)).build().start()) {
            List<String> winners = Race.run(12, i -> {
                try {
                    engine.service().emailPassword().registerUser("ann@example.com", PASSWORD + i);
                    return PASSWORD + i;
                } catch (AuthException e) {
                    assertThat(e.code()).isEqualTo(ErrorCode.ACCOUNT_NAME_IN_USE);
                    return null;
                }
            }).stream().filter(Objects::nonNull).toList();
            assertThat(winners).hasSize(1);
            engine.service().logIn(Credentials.emailPassword("ann@example.com", winners.get(0)));
        }
    }

    @Test
    void racingResetsWithOneTokenChangeThePasswordOnce() throws Exception {
        List<ResetRequest> pending = new CopyOnWriteArrayList<>();
        try (EngineHarness engine = EngineHarness.builder().store(store())
                .enable(ProviderTypes.EMAIL_PASSWORD, Map.of("autoConfirm", true, "runResetFunction", true,
                        "passwordHashing", EmailFixture.CHEAP_HASHING))
                .service(ResetFunction.class, r -> {
                    pending.add(r);
                    return FunctionResult.pending();
                }).build().start()) {
            engine.service().emailPassword().registerUser("ann@example.com", PASSWORD);
            engine.service().emailPassword().callResetPasswordFunction("ann@example.com", "irrelevant here");
            ResetRequest request = pending.get(0);

            List<String> winners = Race.run(12, i -> {
                try {
                    engine.service().emailPassword().resetPassword(request.token(), request.tokenId(), "new password " + i);
                    return "new password " + i;
                } catch (AuthException e) {
                    assertThat(e.code()).isEqualTo(ErrorCode.USERPASS_TOKEN_INVALID);
                    return null;
                }
            }).stream().filter(Objects::nonNull).toList();
            assertThat(winners).hasSize(1);
            engine.service().logIn(Credentials.emailPassword("ann@example.com", winners.get(0)));
        }
    }

    @Test
    void racingConfirmationsWithOneLinkConfirmOnceAndTellTheOthersSo() throws Exception {
        EngineHarness engine = fixture.engine(settings -> { }, builder -> builder.store(store()));
        engine.service().emailPassword().registerUser("ann@example.com", PASSWORD);
        TokenPair pair = fixture.tokensIn(fixture.awaitMail("ann@example.com"), CONFIRM_URL);

        List<ErrorCode> outcomes = Race.run(12, i -> {
            try {
                engine.service().emailPassword().confirmUser(pair.token(), pair.tokenId());
                return null;
            } catch (AuthException e) {
                return e.code();
            }
        });
        assertThat(outcomes).filteredOn(Objects::isNull).hasSize(1);
        assertThat(outcomes).filteredOn(Objects::nonNull).containsOnly(ErrorCode.USER_ALREADY_CONFIRMED);
        engine.service().logIn(Credentials.emailPassword("ann@example.com", PASSWORD));
    }
}
