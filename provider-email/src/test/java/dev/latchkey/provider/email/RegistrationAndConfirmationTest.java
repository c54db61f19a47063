package dev.latchkey.provider.email;

import static dev.latchkey.provider.email.EmailFixture.CONFIRM_URL;
import static dev.latchkey.provider.email.EmailFixture.assertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.EmailPasswordAuth;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.User;
import dev.latchkey.provider.email.EmailFixture.TokenPair;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.mail.ReceivedMail;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Registration and confirmation by a mailed link, through a real SMTP server. */
class RegistrationAndConfirmationTest {
    private static final String ANN = "ann@example.com";
    private static final String PASSWORD = "a long enough secret";

    private final EmailFixture fixture = new EmailFixture();
    private final EngineHarness engine = fixture.engine();
    private final EmailPasswordAuth accounts = engine.app().emailPassword();

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void registerReadTheMailConfirmAndLogIn() {
        accounts.registerUser(ANN, PASSWORD);

        ReceivedMail mail = fixture.awaitMail(ANN);
        assertThat(mail.from()).isEqualTo("no-reply@app.example.com");
        assertThat(mail.subject()).isNotBlank();
        assertThat(mail.body()).contains("30");
        TokenPair pair = fixture.tokensIn(mail, CONFIRM_URL);
        assertThat(pair.token()).hasSizeGreaterThanOrEqualTo(43);

        accounts.confirmUser(pair.token(), pair.tokenId());
        User user = engine.app().logIn(Credentials.emailPassword(ANN, PASSWORD));

        assertThat(user.identities()).singleElement().satisfies(identity -> {
            assertThat(identity.providerType()).isEqualTo(ProviderTypes.EMAIL_PASSWORD);
            assertThat(identity.subject()).doesNotContain(ANN);
        });
        assertThat(user.profile().email()).isEqualTo(ANN);
        assertThat(engine.app().logIn(Credentials.emailPassword(ANN, PASSWORD)).id()).isEqualTo(user.id());
    }

    @Test
    void logInBeforeConfirmationIsRefusedButOnlyForTheRightPassword() {
        accounts.registerUser(ANN, PASSWORD);
        assertCode(() -> engine.app().logIn(Credentials.emailPassword(ANN, PASSWORD)), ErrorCode.USER_NOT_CONFIRMED, "confirm");
        // The wrong password learns nothing about the account's state.
        assertCode(() -> engine.app().logIn(Credentials.emailPassword(ANN, "not the password")), ErrorCode.INVALID_CREDENTIALS,
                "invalid username/password");
    }

    @Test
    void confirmingTwiceSaysAlreadyConfirmed() {
        accounts.registerUser(ANN, PASSWORD);
        TokenPair pair = fixture.tokensIn(fixture.awaitMail(ANN), CONFIRM_URL);
        accounts.confirmUser(pair.token(), pair.tokenId());
        assertCode(() -> accounts.confirmUser(pair.token(), pair.tokenId()), ErrorCode.USER_ALREADY_CONFIRMED);
        assertCode(() -> accounts.resendConfirmationEmail(ANN), ErrorCode.USER_ALREADY_CONFIRMED);
    }

    @Test
    void aBadOrExpiredTokenIsInvalidAndConfirmsNothing() {
        accounts.registerUser(ANN, PASSWORD);
        TokenPair pair = fixture.tokensIn(fixture.awaitMail(ANN), CONFIRM_URL);
        String wrong = (pair.token().startsWith("A") ? "B" : "A") + pair.token().substring(1);
        assertCode(() -> accounts.confirmUser(wrong, pair.tokenId()), ErrorCode.USERPASS_TOKEN_INVALID, "ask for a new email");
        assertCode(() -> accounts.confirmUser(pair.token(), "0".repeat(32)), ErrorCode.USERPASS_TOKEN_INVALID);
        assertCode(() -> accounts.confirmUser("", ""), ErrorCode.USERPASS_TOKEN_INVALID);
        assertCode(() -> accounts.confirmUser("x".repeat(100_000), "'; DROP TABLE users;--"), ErrorCode.USERPASS_TOKEN_INVALID);

        engine.clock().advance(Duration.ofMinutes(30));
        assertCode(() -> accounts.confirmUser(pair.token(), pair.tokenId()), ErrorCode.USERPASS_TOKEN_INVALID);
        assertCode(() -> engine.app().logIn(Credentials.emailPassword(ANN, PASSWORD)), ErrorCode.USER_NOT_CONFIRMED);
    }

    @Test
    void aResentLinkWorksAndReplacesTheOldOne() {
        accounts.registerUser(ANN, PASSWORD);
        TokenPair first = fixture.tokensIn(fixture.awaitMail(ANN), CONFIRM_URL);
        fixture.mailbox.purge();

        accounts.resendConfirmationEmailAsync(ANN).join();
        TokenPair second = fixture.tokensIn(fixture.awaitMail(ANN), CONFIRM_URL);

        assertThat(second.tokenId()).isNotEqualTo(first.tokenId());
        assertCode(() -> accounts.confirmUser(first.token(), first.tokenId()), ErrorCode.USERPASS_TOKEN_INVALID);
        accounts.confirmUser(second.token(), second.tokenId());
        assertThat(engine.app().logIn(Credentials.emailPassword(ANN, PASSWORD)).profile().email()).isEqualTo(ANN);
    }

    @Test
    void anAddressThatHasAnAccountCannotRegisterAgain() {
        accounts.registerUser(ANN, PASSWORD);
        assertCode(() -> accounts.registerUser(ANN, "another good password"), ErrorCode.ACCOUNT_NAME_IN_USE, "exists already");
        assertCode(() -> accounts.registerUser("  " + ANN + " ", "another good password"), ErrorCode.ACCOUNT_NAME_IN_USE);
        assertThat(fixture.mailbox.messagesTo(ANN)).hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void unknownAddressesAreNamedAsSuchWithoutEnumerationProtection() {
        assertCode(() -> accounts.resendConfirmationEmail("nobody@example.com"), ErrorCode.USER_NOT_FOUND);
        assertCode(() -> accounts.sendResetPasswordEmail("nobody@example.com"), ErrorCode.USER_NOT_FOUND);
    }

    @Test
    void addressesAreCheckedBeforeAnythingHappens() {
        assertCode(() -> accounts.registerUser("ann@example.com\r\nBcc: all@example.com", PASSWORD), ErrorCode.INVALID_PARAMETER,
                "CR, LF or NUL");
        assertCode(() -> accounts.registerUser("a".repeat(250) + "@x.com", PASSWORD), ErrorCode.INVALID_PARAMETER, "254");
        assertCode(() -> accounts.registerUser("not-an-address", PASSWORD), ErrorCode.INVALID_PARAMETER);
        assertCode(() -> accounts.registerUser(null, PASSWORD), ErrorCode.INVALID_PARAMETER);
        assertCode(() -> accounts.registerUser(ANN, "short"), ErrorCode.BAD_PASSWORD, "at least 6");
        assertCode(() -> accounts.registerUser(ANN, "p".repeat(129)), ErrorCode.BAD_PASSWORD, "at most 128");
        // Nothing was created by the refusals: the address is still free.
        accounts.registerUser(ANN, PASSWORD);
    }

    @Test
    void identifiersThatLookLikeSqlAreJustAddresses() {
        String odd = "a'--@x.com";
        accounts.registerUser(odd, PASSWORD);
        TokenPair pair = fixture.tokensIn(fixture.awaitMail(odd), CONFIRM_URL);
        accounts.confirmUser(pair.token(), pair.tokenId());
        assertThat(engine.app().logIn(Credentials.emailPassword(odd, PASSWORD)).profile().email()).isEqualTo(odd);
        assertCode(() -> engine.app().logIn(Credentials.emailPassword("'; DROP TABLE users;--", PASSWORD)),
                ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void theWrongModeIsRefusedClearly() {
        assertCode(() -> accounts.retryCustomConfirmation(ANN), ErrorCode.OPERATION_NOT_ALLOWED, "runConfirmationFunction");
        assertCode(() -> accounts.callResetPasswordFunction(ANN, PASSWORD), ErrorCode.OPERATION_NOT_ALLOWED, "runResetFunction");
    }

    @Test
    void anAddressCannotBeMailBombedWhateverItsSpelling() {
        accounts.registerUser(ANN, PASSWORD);
        for (int i = 0; i < 20; i++) {
            // Refused input costs the address nothing: nobody can spend its budget with garbage.
            assertCode(() -> accounts.registerUser(ANN, "short"), ErrorCode.BAD_PASSWORD);
        }
        List<String> spellings = List.of("Ann@example.com", "ANN@EXAMPLE.COM", " ann@Example.com", "ann@example.COM");
        for (int i = 1; i < 10; i++) {
            accounts.resendConfirmationEmail(i % 2 == 0 ? ANN : spellings.get(i % spellings.size()).strip().toLowerCase());
        }
        for (String spelling : spellings) {
            AuthException limited = catchThrowableOfType(AuthException.class, () -> accounts.sendResetPasswordEmail(spelling));
            assertThat(limited.code()).isEqualTo(ErrorCode.RATE_LIMITED);
            assertThat(limited.getMessage()).contains("too many mails asked for this address").doesNotContain("ann@");
            assertThat(limited.retryAfter()).isPresent();
        }
        // Another address is not affected; the budget refills with time.
        accounts.registerUser("bob@example.com", PASSWORD);
        engine.clock().advance(Duration.ofMinutes(2));
        accounts.resendConfirmationEmail(ANN);
    }
}
