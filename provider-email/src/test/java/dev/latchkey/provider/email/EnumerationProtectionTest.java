package dev.latchkey.provider.email;

import static dev.latchkey.provider.email.EmailFixture.CONFIRM_URL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.api.Credentials;
import dev.latchkey.api.EmailPasswordAuth;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.mail.ReceivedMail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** With enumerationProtection, no answer tells whether an address has an account (SECURITY.md 19). */
class EnumerationProtectionTest {
    private static final String ANN = "ann@example.com";
    private static final String PASSWORD = "a long enough secret";

    private final EmailFixture fixture = new EmailFixture();
    private final EngineHarness engine = fixture.engine(settings -> settings.put("enumerationProtection", true));
    private final EmailPasswordAuth accounts = engine.app().emailPassword();

    @AfterEach
    void close() {
        fixture.close();
    }

    private void confirmedAnn() {
        accounts.registerUser(ANN, PASSWORD);
        EmailFixture.TokenPair pair = fixture.tokensIn(fixture.awaitMail(ANN), CONFIRM_URL);
        accounts.confirmUser(pair.token(), pair.tokenId());
        fixture.mailbox.purge();
    }

    @Test
    void registeringATakenAddressAnswersAsForANewOneAndTellsTheOwner() {
        confirmedAnn();

        accounts.registerUser(ANN, "someone else's password");

        ReceivedMail notice = fixture.awaitMail(ANN);
        assertThat(notice.links()).noneMatch(link -> link.url().startsWith(CONFIRM_URL));
        assertThat(notice.body()).doesNotContain("someone else's password");
        // The account is untouched: the old password works, the attempted one does not.
        engine.service().logIn(Credentials.emailPassword(ANN, PASSWORD));
    }

    @Test
    void resendingAndResettingAnswerTheSameForUnknownConfirmedAndPendingAddresses() {
        confirmedAnn();
        accounts.registerUser("pending@example.com", PASSWORD);
        fixture.awaitMail("pending@example.com");
        fixture.mailbox.purge();

        accounts.resendConfirmationEmail("nobody@example.com");
        accounts.resendConfirmationEmail(ANN);
        accounts.resendConfirmationEmail("pending@example.com");
        accounts.sendResetPasswordEmail("nobody@example.com");
        accounts.sendResetPasswordEmail(ANN);

        // Only real owners get mail: a pending account its new link, Ann her reset link.
        assertThat(fixture.awaitMail("pending@example.com").link(CONFIRM_URL)).isNotNull();
        assertThat(fixture.awaitMail(ANN).link(EmailFixture.RESET_URL)).isNotNull();
        sleepBriefly();
        assertThat(fixture.mailbox.messagesTo("nobody@example.com")).isEmpty();
        assertThat(fixture.mailbox.messagesTo(ANN)).hasSize(1);
    }

    /** Mail goes out off the caller's thread: give a wrongly sent one the time to arrive before saying none came. */
    private static void sleepBriefly() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
