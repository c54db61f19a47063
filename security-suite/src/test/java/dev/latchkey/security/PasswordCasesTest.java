package dev.latchkey.security;

import static dev.latchkey.security.Suite.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.EmailPasswordAuth;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.Session;
import dev.latchkey.provider.custom.AuthFunction;
import dev.latchkey.provider.custom.FunctionIdentity;
import dev.latchkey.provider.email.EmailPasswordProvider;
import dev.latchkey.provider.email.HashCount;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.TestClock;
import dev.latchkey.testkit.mail.FakeMailbox;
import dev.latchkey.testkit.mail.ReceivedMail;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SECURITY.md "Passwords and accounts", cases 18-24: the {@code local-userpass} provider behind the
 * engine, mailing through a real SMTP server on loopback ({@link FakeMailbox}), on a real H2 store
 * where the case is about what is stored; the throttle also over HTTP through the server.
 */
class PasswordCasesTest {
    private static final String CONFIRM_URL = "https://app.example.com/confirm";
    private static final String RESET_URL = "https://app.example.com/reset";
    private static final String PASSWORD = "a long enough secret";
    private static final Duration MAIL_WAIT = Duration.ofSeconds(10);

    private final TestClock clock = new TestClock();
    private final FakeMailbox mailbox = FakeMailbox.start();
    private final List<AutoCloseable> closing = new ArrayList<>();

    @TempDir
    Path data;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        mailbox.close();
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closing.add(0, c);
        return c;
    }

    /** Settings that mail confirmation and reset links through the mailbox, with cheap hashing. */
    private Map<String, Object> mailSettings() {
        Map<String, Object> smtp = new LinkedHashMap<>();
        smtp.put("host", mailbox.host());
        smtp.put("port", mailbox.port());
        smtp.put("security", "none");
        smtp.put("from", "no-reply@app.example.com");
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("emailConfirmationUrl", CONFIRM_URL);
        settings.put("resetPasswordUrl", RESET_URL);
        settings.put("passwordHashing", Map.of("memoryKib", 1024, "iterations", 1));
        settings.put("smtp", smtp);
        return settings;
    }

    private AuthService engine(Consumer<Map<String, Object>> change, Consumer<EngineHarness.Builder> more) {
        Map<String, Object> settings = mailSettings();
        change.accept(settings);
        EngineHarness.Builder builder = EngineHarness.builder().clock(clock).enable(ProviderTypes.EMAIL_PASSWORD, settings);
        more.accept(builder);
        return closeLater(builder.build()).start().service();
    }

    private AuthService autoConfirming(EmailPasswordProvider provider) {
        return engine(s -> {
            s.remove("emailConfirmationUrl");
            s.put("autoConfirm", true);
        }, b -> b.provider(provider).throttle(Map.of("enabled", false)));
    }

    private ReceivedMail.Link awaitLink(String to, String base) {
        ReceivedMail.Link link = mailbox.awaitMessageTo(to, MAIL_WAIT).link(base);
        mailbox.purge();
        return link;
    }

    private void confirm(AuthService engine, String email) {
        ReceivedMail.Link link = awaitLink(email, CONFIRM_URL);
        engine.emailPassword().confirmUser(link.queryParameter("token"), link.queryParameter("tokenId"));
    }

    // ---- 18 ----------------------------------------------------------------------------------

    /**
     * SECURITY.md #18: "Unknown email and wrong password give the same error code and message, in
     * the same time (hash a dummy when the account does not exist)."
     * ASVS 5.0 V6 (no account enumeration through log-in). Asserted structurally, never by timing:
     * the same code and message from the engine, the same status and body over HTTP, and exactly one
     * Argon2id hash computed for the unknown address as for the wrong password (the dummy hash).
     */
    @Test
    void case18_unknownEmailAndWrongPasswordAnswerTheSameAndCostOneHashEach() throws Exception {
        EmailPasswordProvider provider = new EmailPasswordProvider();
        AuthService engine = autoConfirming(provider);
        engine.emailPassword().registerUser("ann@example.com", PASSWORD);

        long before = HashCount.of(provider);
        AuthException unknown = refused(ErrorCode.INVALID_CREDENTIALS,
                () -> engine.logIn(Credentials.emailPassword("nobody@example.com", PASSWORD)));
        long unknownHashes = HashCount.of(provider) - before;
        before = HashCount.of(provider);
        AuthException wrong = refused(ErrorCode.INVALID_CREDENTIALS,
                () -> engine.logIn(Credentials.emailPassword("ann@example.com", "the wrong password")));
        long wrongHashes = HashCount.of(provider) - before;

        assertThat(unknown.getMessage()).isEqualTo(wrong.getMessage());
        assertThat(unknownHashes).as("hashes for an unknown address (the dummy)").isEqualTo(1).isEqualTo(wrongHashes);

        try (Suite.Server server = new Suite.Server(data.resolve("server"), """
                { "providers": { "local-userpass": { "enabled": true, "autoConfirm": true,
                  "passwordHashing": { "memoryKib": 1024, "iterations": 1 } } } }""")) {
            server.register("ann@example.com", PASSWORD);
            Suite.Reply overHttpUnknown = server.logIn("local-userpass", Suite.emailPassword("nobody@example.com", PASSWORD));
            Suite.Reply overHttpWrong = server.logIn("local-userpass", Suite.emailPassword("ann@example.com", "the wrong password"));
            assertThat(server.logIn("local-userpass", Suite.emailPassword("ann@example.com", PASSWORD)).status())
                    .as("the account exists").isEqualTo(200);
            assertThat(overHttpUnknown.status()).isEqualTo(overHttpWrong.status()).isEqualTo(401);
            assertThat(overHttpUnknown.json().get("error_code")).isEqualTo(overHttpWrong.json().get("error_code"));
            assertThat(overHttpUnknown.json().get("error")).isEqualTo(overHttpWrong.json().get("error"));
        }
    }

    // ---- 19 ----------------------------------------------------------------------------------

    /**
     * SECURITY.md #19: "Registering or resetting an existing email answers exactly as for a new one
     * where the configuration asks for enumeration protection."
     * ASVS 5.0 V6 (no account enumeration through registration or recovery).
     * With {@code enumerationProtection}: registering a confirmed, a pending and a new address, and
     * asking a reset or a new confirmation mail for a known and an unknown one, all answer alike;
     * only the mailbox of the address's owner learns what happened.
     */
    @Test
    void case19_registeringOrResettingAnExistingAddressAnswersAsForANewOne() {
        AuthService engine = engine(s -> s.put("enumerationProtection", true), b -> { });
        EmailPasswordAuth accounts = engine.emailPassword();
        accounts.registerUser("ann@example.com", PASSWORD);
        confirm(engine, "ann@example.com");
        accounts.registerUser("pending@example.com", PASSWORD);

        List<String> confirmed = answers(engine, "ann@example.com");
        assertThat(answers(engine, "pending@example.com")).isEqualTo(confirmed);
        assertThat(answers(engine, "new@example.com")).isEqualTo(confirmed);
        assertThat(confirmed).startsWith("registered", "reset mailed", "confirmation mailed");

        assertThat(engine.logIn(Credentials.emailPassword("ann@example.com", PASSWORD)).user().profile().email())
                .as("the owner keeps the password").isEqualTo("ann@example.com");
    }

    /** What a caller learns from each call that could tell whether an address has an account. */
    private static List<String> answers(AuthService engine, String address) {
        List<String> seen = new ArrayList<>();
        seen.add(outcome(() -> engine.emailPassword().registerUser(address, "the attacker's password"), "registered"));
        seen.add(outcome(() -> engine.emailPassword().sendResetPasswordEmail(address), "reset mailed"));
        seen.add(outcome(() -> engine.emailPassword().resendConfirmationEmail(address), "confirmation mailed"));
        seen.add(outcome(() -> engine.logIn(Credentials.emailPassword(address, "the attacker's password")), "logged in"));
        return seen;
    }

    private static String outcome(Runnable call, String ok) {
        try {
            call.run();
            return ok;
        } catch (AuthException e) {
            return e.code() + ": " + e.getMessage();
        }
    }

    // ---- 20 ----------------------------------------------------------------------------------

    /**
     * SECURITY.md #20: "Repeated failures on one account, and spraying across accounts → throttled
     * (RATE_LIMITED), without letting an attacker lock a victim out for good."
     * ASVS 5.0 V6 (anti-automation of authentication).
     * Guessing one account from one source, and spraying many accounts from one source, are both
     * RATE_LIMITED with a Retry-After; the owner elsewhere still logs in, and the guesser's wait ends.
     * Over HTTP the same refusal is 429 TooManyRequests with a Retry-After header.
     */
    @Test
    void case20_guessingAndSprayingAreThrottledWithoutLockingTheOwnerOut() throws Exception {
        AuthService engine = engine(s -> {
            s.remove("emailConfirmationUrl");
            s.put("autoConfirm", true);
        }, b -> b.throttle(Map.of("accountFailures", 3, "accountWindow", "PT3M", "sourceFailures", 5, "sourceWindow", "PT5M")));
        for (String who : List.of("ann", "u0", "u1", "u2", "u3", "u4", "u5")) {
            engine.emailPassword().registerUser(who + "@example.com", PASSWORD);
        }
        Credentials guess = Credentials.emailPassword("ann@example.com", "guess");
        Credentials right = Credentials.emailPassword("ann@example.com", PASSWORD);
        for (int i = 0; i < 3; i++) {
            refused(ErrorCode.INVALID_CREDENTIALS, () -> engine.logIn(guess, null, "10.0.0.66"));
        }
        AuthException limited = refused(ErrorCode.RATE_LIMITED, () -> engine.logIn(right, null, "10.0.0.66"));
        assertThat(limited.retryAfter()).isPresent();
        assertThat(limited.getMessage()).doesNotContain("ann@example.com", "10.0.0.66", PASSWORD);
        assertThat(engine.logIn(right, null, "192.168.1.7").user().profile().email()).as("the owner elsewhere").isEqualTo("ann@example.com");
        clock.advance(limited.retryAfter().orElseThrow());
        assertThat(engine.logIn(right, null, "10.0.0.66").user().profile().email()).as("the wait ends").isEqualTo("ann@example.com");

        for (int i = 0; i < 5; i++) {
            Credentials spray = Credentials.emailPassword("u" + i + "@example.com", "Winter2026!");
            refused(ErrorCode.INVALID_CREDENTIALS, () -> engine.logIn(spray, null, "10.0.0.99"));
        }
        refused(ErrorCode.RATE_LIMITED, () -> engine.logIn(Credentials.emailPassword("u5@example.com", "Winter2026!"), null, "10.0.0.99"));
        assertThat(engine.logIn(Credentials.emailPassword("u5@example.com", PASSWORD), null, "10.0.0.100").user().profile().email())
                .isEqualTo("u5@example.com");

        try (Suite.Server server = new Suite.Server(data.resolve("server"), """
                { "providers": { "local-userpass": { "enabled": true, "autoConfirm": true,
                  "passwordHashing": { "memoryKib": 1024, "iterations": 1 } } },
                  "throttle": { "accountFailures": 3, "accountWindow": "PT15M" } }""")) {
            server.register("t@example.com", PASSWORD);
            Suite.Reply last = null;
            for (int i = 0; i < 6 && (last == null || last.status() != 429); i++) {
                last = server.logIn("local-userpass", Suite.emailPassword("t@example.com", "wrong horse"));
                assertThat(last.status()).isIn(401, 429);
            }
            assertThat(last.status()).isEqualTo(429);
            assertThat(last.errorCode()).isEqualTo("TooManyRequests");
            assertThat(Long.parseLong(last.headers().get("Retry-After"))).isPositive();
        }
    }

    // ---- 21 ----------------------------------------------------------------------------------

    /**
     * SECURITY.md #21: "A password over 128 characters or under the minimum → rejected before any
     * hashing; no silent truncation or case folding."
     * ASVS 5.0 V6 (password length limits, passwords verified exactly as set).
     */
    @Test
    void case21_passwordLengthIsCheckedBeforeHashingAndPasswordsAreExact() {
        EmailPasswordProvider provider = new EmailPasswordProvider();
        AuthService engine = autoConfirming(provider);
        String longest = "Aa1-" + "x".repeat(124);
        engine.emailPassword().registerUser("ann@example.com", longest);

        long before = HashCount.of(provider);
        refused(ErrorCode.BAD_PASSWORD, () -> engine.emailPassword().registerUser("bob@example.com", longest + "y"));
        refused(ErrorCode.BAD_PASSWORD, () -> engine.emailPassword().registerUser("bob@example.com", "short"));
        AuthException tooLong = catchRefusal(() -> engine.logIn(Credentials.emailPassword("ann@example.com", longest + "y")));
        assertThat(tooLong.code()).isIn(ErrorCode.INVALID_CREDENTIALS, ErrorCode.BAD_PASSWORD, ErrorCode.MALFORMED);
        assertThat(HashCount.of(provider)).as("hashes computed for refused lengths").isEqualTo(before);
        assertThat(engine.findUserByIdentity(ProviderTypes.EMAIL_PASSWORD, "bob@example.com")).isEmpty();

        for (String almost : List.of(longest.substring(0, 72), longest.substring(0, 127), longest.toLowerCase(Locale.ROOT),
                longest.toUpperCase(Locale.ROOT), longest + " ", " " + longest)) {
            refused(ErrorCode.INVALID_CREDENTIALS, () -> engine.logIn(Credentials.emailPassword("ann@example.com", almost)));
        }
        assertThat(engine.logIn(Credentials.emailPassword("ann@example.com", longest)).user().profile().email())
                .isEqualTo("ann@example.com");
    }

    private static AuthException catchRefusal(Runnable call) {
        try {
            call.run();
        } catch (AuthException e) {
            return e;
        }
        throw new AssertionError("expected a refusal");
    }

    // ---- 22 ----------------------------------------------------------------------------------

    /**
     * SECURITY.md #22: "Email with CR, LF or NUL, over 254 characters, or not an address → rejected."
     * ASVS 5.0 V6 (input validation of identifiers; no mail header injection).
     * Rejected with INVALID_PARAMETER, no account made, no mail sent.
     */
    @Test
    void case22_hostileOrInvalidAddressesAreRejected() {
        AuthService engine = engine(s -> { }, b -> { });
        String long255 = "a".repeat(255 - "@example.com".length()) + "@example.com";
        List<String> hostile = List.of("eve@example.com\r\nBcc: victim@example.com", "eve@example.com\n", "eve@example.com\r",
                "eve\u0000@example.com", long255, "not-an-address", "eve@", "@example.com", "eve@@example.com", "");
        for (String address : hostile) {
            AuthException e = refused(ErrorCode.INVALID_PARAMETER, () -> engine.emailPassword().registerUser(address, PASSWORD));
            assertThat(e.getMessage()).doesNotContain("\r", "\n", "\u0000");
        }
        assertThat(engine.listUsers(null, 10).users()).isEmpty();
        engine.emailPassword().registerUser("ok@example.com", PASSWORD);
        mailbox.awaitMessageTo("ok@example.com", MAIL_WAIT);
        assertThat(mailbox.messagesTo("victim@example.com")).as("mail injected through a header").isEmpty();
        assertThat(mailbox.messagesTo("eve@example.com")).isEmpty();
    }

    // ---- 23 ----------------------------------------------------------------------------------

    /**
     * SECURITY.md #23: "Identifiers such as {@code a'--@x.com} or {@code '; DROP TABLE users;--} → treated as literals."
     * ASVS 5.0 V6 (and V1-style injection defence) on a real JDBC (H2) store: an address with a
     * quote registers and logs in as itself; a function id that is SQL text becomes a user of that
     * exact subject, found again by it, and every table still answers.
     */
    @Test
    void case23_sqlLookingIdentifiersAreLiterals() {
        Suite.H2 h2 = new Suite.H2(data);
        String sql = "'; DROP TABLE users;--";
        AuthFunction function = payload -> FunctionIdentity.of(String.valueOf(payload.get("id")));
        AuthService engine = engine(s -> {
            s.remove("emailConfirmationUrl");
            s.put("autoConfirm", true);
        }, b -> b.store(h2.store("test-app")).throttle(Map.of("enabled", false)).enable(ProviderTypes.CUSTOM_FUNCTION)
                .service(AuthFunction.class, function));

        engine.emailPassword().registerUser("a'--@x.com", PASSWORD);
        Session quoted = engine.logIn(Credentials.emailPassword("a'--@x.com", PASSWORD));
        assertThat(quoted.user().profile().email()).isEqualTo("a'--@x.com");
        refused(ErrorCode.INVALID_CREDENTIALS, () -> engine.logIn(Credentials.emailPassword("a'--@x.com", "' OR '1'='1")));

        Session first = engine.logIn(Credentials.function(Map.of("id", sql)));
        Session again = engine.logIn(Credentials.function(Map.of("id", sql)));
        assertThat(first.user().identities().get(0).subject()).isEqualTo(sql);
        assertThat(again.user().id()).isEqualTo(first.user().id());
        assertThat(engine.findUserByIdentity(ProviderTypes.CUSTOM_FUNCTION, sql).orElseThrow().id()).isEqualTo(first.user().id());
        assertThat(engine.findUserByIdentity(ProviderTypes.CUSTOM_FUNCTION, "' OR '1'='1")).isEmpty();
        assertThat(engine.listUsers(sql, 10).users()).as("a cursor of SQL text is a literal too").isNotNull();
        assertThat(engine.listUsers(null, 10).users()).hasSize(2);
        engine.refresh(quoted.refreshToken());
        h2.close();
    }

    // ---- 24 ----------------------------------------------------------------------------------

    /**
     * SECURITY.md #24: "Confirmation and reset tokens: single use, 30 minutes, only their hash stored."
     * ASVS 5.0 V6 (recovery and confirmation secrets) and V11 (stored hashed).
     * From the links really mailed: a reset token works once; a reset or a confirmation token is
     * refused after 30 minutes; neither token is anywhere in the database.
     */
    @Test
    void case24_confirmationAndResetTokensAreSingleUseShortLivedAndStoredHashed() {
        Suite.H2 h2 = new Suite.H2(data);
        AuthService engine = engine(s -> { }, b -> b.store(h2.store("test-app")));
        EmailPasswordAuth accounts = engine.emailPassword();

        accounts.registerUser("ann@example.com", PASSWORD);
        ReceivedMail.Link confirmation = awaitLink("ann@example.com", CONFIRM_URL);
        h2.assertNotStored("the confirmation token", confirmation.queryParameter("token"));
        accounts.confirmUser(confirmation.queryParameter("token"), confirmation.queryParameter("tokenId"));

        accounts.sendResetPasswordEmail("ann@example.com");
        ReceivedMail.Link reset = awaitLink("ann@example.com", RESET_URL);
        h2.assertNotStored("the reset token", reset.queryParameter("token"));
        accounts.resetPassword(reset.queryParameter("token"), reset.queryParameter("tokenId"), "the new password");
        refused(ErrorCode.USERPASS_TOKEN_INVALID,
                () -> accounts.resetPassword(reset.queryParameter("token"), reset.queryParameter("tokenId"), "the attacker's password"));
        assertThat(engine.logIn(Credentials.emailPassword("ann@example.com", "the new password")).user().profile().email())
                .isEqualTo("ann@example.com");
        assertThat(mailbox.awaitMessageTo("ann@example.com", MAIL_WAIT).subject()).as("the owner is told").contains("changed");
        mailbox.purge();

        accounts.sendResetPasswordEmail("ann@example.com");
        ReceivedMail.Link late = awaitLink("ann@example.com", RESET_URL);
        clock.advance(Duration.ofMinutes(30).plusSeconds(1));
        refused(ErrorCode.USERPASS_TOKEN_INVALID,
                () -> accounts.resetPassword(late.queryParameter("token"), late.queryParameter("tokenId"), "the attacker's password"));

        accounts.registerUser("bob@example.com", PASSWORD);
        ReceivedMail.Link lateConfirmation = awaitLink("bob@example.com", CONFIRM_URL);
        clock.advance(Duration.ofMinutes(30).plusSeconds(1));
        refused(ErrorCode.USERPASS_TOKEN_INVALID,
                () -> accounts.confirmUser(lateConfirmation.queryParameter("token"), lateConfirmation.queryParameter("tokenId")));
        refused(ErrorCode.USER_NOT_CONFIRMED, () -> engine.logIn(Credentials.emailPassword("bob@example.com", PASSWORD)));
        h2.close();
    }
}
