package dev.latchkey.provider.email;

import static dev.latchkey.provider.email.EmailFixture.RESET_URL;
import static dev.latchkey.provider.email.EmailFixture.assertCode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.api.Credentials;
import dev.latchkey.api.EmailPasswordAuth;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Session;
import dev.latchkey.provider.email.EmailFixture.TokenPair;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.mail.ReceivedMail;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Password reset by a mailed link, end to end: register, confirm, log in, reset, log in again. */
class PasswordResetTest {
    private static final String ANN = "ann@example.com";
    private static final String OLD = "the first password";
    private static final String NEW = "the second password";

    private final EmailFixture fixture = new EmailFixture();
    private final EngineHarness engine = fixture.engine();
    private final EmailPasswordAuth accounts = engine.app().emailPassword();

    @AfterEach
    void close() {
        fixture.close();
    }

    private Session registeredAndLoggedIn() {
        accounts.registerUser(ANN, OLD);
        TokenPair confirm = fixture.tokensIn(fixture.awaitMail(ANN), EmailFixture.CONFIRM_URL);
        accounts.confirmUser(confirm.token(), confirm.tokenId());
        fixture.mailbox.purge();
        return engine.service().logIn(Credentials.emailPassword(ANN, OLD));
    }

    @Test
    void resetByMailChangesThePasswordAndEndsEverySession() {
        Session before = registeredAndLoggedIn();

        accounts.sendResetPasswordEmail(ANN);
        ReceivedMail mail = fixture.awaitMail(ANN);
        assertThat(mail.link(RESET_URL).url()).startsWith(RESET_URL + "&token=");
        TokenPair pair = fixture.tokensIn(mail, RESET_URL);
        fixture.mailbox.purge();
        accounts.resetPassword(pair.token(), pair.tokenId(), NEW);

        assertCode(() -> engine.service().refresh(before.refreshToken()), ErrorCode.INVALID_SESSION);
        assertCode(() -> engine.service().logIn(Credentials.emailPassword(ANN, OLD)), ErrorCode.INVALID_CREDENTIALS);
        Session after = engine.service().logIn(Credentials.emailPassword(ANN, NEW));
        assertThat(after.user().id()).isEqualTo(before.user().id());
        ReceivedMail notice = fixture.awaitMail(ANN);
        assertThat(notice.links()).isEmpty();
        assertThat(notice.body()).doesNotContain(NEW).doesNotContain(pair.token());
    }

    @Test
    void aResetRefusesAnAccessTokenTheEngineHadVerifiedAndRemembered() {
        // The engine remembers verified access tokens (issue #10); the provider ends sessions through
        // ProviderContext.endSessions, which must drop them too, at once and not after sessionRecheck.
        Session before = registeredAndLoggedIn();
        assertThat(engine.service().verify(before.accessToken()).userId()).isEqualTo(before.user().id());
        accounts.sendResetPasswordEmail(ANN);
        TokenPair pair = fixture.tokensIn(fixture.awaitMail(ANN), RESET_URL);
        accounts.resetPassword(pair.token(), pair.tokenId(), NEW);
        assertCode(() -> engine.service().verify(before.accessToken()), ErrorCode.INVALID_SESSION);
    }

    @Test
    void aResetTokenIsSingleUseAndLivesThirtyMinutes() {
        registeredAndLoggedIn();
        accounts.sendResetPasswordEmail(ANN);
        TokenPair pair = fixture.tokensIn(fixture.awaitMail(ANN), RESET_URL);
        accounts.resetPassword(pair.token(), pair.tokenId(), NEW);
        assertCode(() -> accounts.resetPassword(pair.token(), pair.tokenId(), "a third password"), ErrorCode.USERPASS_TOKEN_INVALID);
        assertThat(fixture.awaitMail(ANN).links()).isEmpty();   // the "password changed" notice

        fixture.mailbox.purge();
        accounts.sendResetPasswordEmailAsync(ANN).join();
        TokenPair late = fixture.tokensIn(fixture.awaitMail(ANN), RESET_URL);
        engine.clock().advance(Duration.ofMinutes(30));
        assertCode(() -> accounts.resetPassword(late.token(), late.tokenId(), "a third password"), ErrorCode.USERPASS_TOKEN_INVALID);
        engine.service().logIn(Credentials.emailPassword(ANN, NEW));
    }

    @Test
    void aRefusedNewPasswordLeavesTheTokenUsable() {
        registeredAndLoggedIn();
        accounts.sendResetPasswordEmail(ANN);
        TokenPair pair = fixture.tokensIn(fixture.awaitMail(ANN), RESET_URL);
        assertCode(() -> accounts.resetPassword(pair.token(), pair.tokenId(), "tiny"), ErrorCode.BAD_PASSWORD);
        accounts.resetPasswordAsync(pair.token(), pair.tokenId(), NEW).join();
        engine.service().logIn(Credentials.emailPassword(ANN, NEW));
    }

    @Test
    void aConfirmationTokenDoesNotResetAndAResetTokenDoesNotConfirm() {
        accounts.registerUser(ANN, OLD);
        TokenPair confirm = fixture.tokensIn(fixture.awaitMail(ANN), EmailFixture.CONFIRM_URL);
        assertCode(() -> accounts.resetPassword(confirm.token(), confirm.tokenId(), NEW), ErrorCode.USERPASS_TOKEN_INVALID);
        fixture.mailbox.purge();
        accounts.sendResetPasswordEmail(ANN);
        TokenPair reset = fixture.tokensIn(fixture.awaitMail(ANN), RESET_URL);
        assertCode(() -> accounts.confirmUser(reset.token(), reset.tokenId()), ErrorCode.USERPASS_TOKEN_INVALID);
        assertCode(() -> engine.service().logIn(Credentials.emailPassword(ANN, OLD)), ErrorCode.USER_NOT_CONFIRMED);
    }
}
