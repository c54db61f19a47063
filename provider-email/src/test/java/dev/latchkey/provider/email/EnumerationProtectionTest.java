package dev.latchkey.provider.email;

import static dev.latchkey.provider.email.EmailFixture.CONFIRM_URL;
import static dev.latchkey.provider.email.EmailFixture.assertCode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.EmailPasswordAuth;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.mail.ReceivedMail;
import java.util.ArrayList;
import java.util.List;
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

    /** What a caller sees of registering an address and then logging in with the password it chose. */
    private List<String> registerThenLogIn(String address) {
        List<String> seen = new ArrayList<>();
        try {
            accounts.registerUser(address, "the attacker's password");
            seen.add("registered");
        } catch (AuthException e) {
            seen.add(e.code() + ": " + e.getMessage());
        }
        try {
            engine.service().logIn(Credentials.emailPassword(address, "the attacker's password"));
            seen.add("logged in");
        } catch (AuthException e) {
            seen.add(e.code() + ": " + e.getMessage());
        }
        return seen;
    }

    @Test
    void registeringAndLoggingInLooksTheSameForNewPendingAndConfirmedAddresses() {
        confirmedAnn();
        accounts.registerUser("pending@example.com", PASSWORD);

        List<String> forConfirmed = registerThenLogIn(ANN);
        List<String> forPending = registerThenLogIn("pending@example.com");
        List<String> forNew = registerThenLogIn("new@example.com");

        assertThat(forConfirmed).containsExactly("registered", ErrorCode.INVALID_CREDENTIALS + ": invalid username/password");
        assertThat(forPending).isEqualTo(forConfirmed);
        assertThat(forNew).isEqualTo(forConfirmed);
    }

    @Test
    void theOwnerOfATakenAddressIsToldAndKeepsThePassword() {
        confirmedAnn();

        accounts.registerUser(ANN, "someone else's password");

        ReceivedMail notice = fixture.awaitMail(ANN);
        assertThat(notice.links()).noneMatch(link -> link.url().startsWith(CONFIRM_URL));
        assertThat(notice.body()).doesNotContain("someone else's password");
        engine.service().logIn(Credentials.emailPassword(ANN, PASSWORD));
        assertCode(() -> engine.service().logIn(Credentials.emailPassword(ANN, "someone else's password")), ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void anEarlierRegistrationBySomeoneElseCannotHoldAnUnconfirmedAddress() {
        accounts.registerUser(ANN, "the squatter's password");
        fixture.awaitMail(ANN);

        accounts.registerUser(ANN, PASSWORD);
        EmailFixture.TokenPair latest = fixture.tokensIn(fixture.awaitMail(ANN), CONFIRM_URL);
        accounts.confirmUser(latest.token(), latest.tokenId());

        engine.service().logIn(Credentials.emailPassword(ANN, PASSWORD));
        assertCode(() -> engine.service().logIn(Credentials.emailPassword(ANN, "the squatter's password")), ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void resendingAndResettingAnswerTheSameForUnknownConfirmedAndPendingAddresses() throws Exception {
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
        // Mail goes out off the caller's thread: give a wrongly sent one time to arrive before saying none came.
        Thread.sleep(500);
        assertThat(fixture.mailbox.messagesTo("nobody@example.com")).isEmpty();
        assertThat(fixture.mailbox.messagesTo(ANN)).hasSize(1);
    }

    @Test
    void bothAnswersComeBeforeTheAccountIsLookedAt() {
        // The store work happens after the answer, on the engine's threads: a registration is not
        // visible the instant registerUser returns, but it is once its mail has gone out.
        accounts.registerUser(ANN, PASSWORD);
        EmailFixture.TokenPair pair = fixture.tokensIn(fixture.awaitMail(ANN), CONFIRM_URL);
        accounts.confirmUser(pair.token(), pair.tokenId());
        engine.service().logIn(Credentials.emailPassword(ANN, PASSWORD));
    }
}
