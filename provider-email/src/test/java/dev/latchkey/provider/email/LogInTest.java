package dev.latchkey.provider.email;

import static dev.latchkey.provider.email.EmailFixture.assertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.Session;
import dev.latchkey.api.spi.ProviderStore;
import dev.latchkey.core.config.StoreSettings;
import dev.latchkey.core.store.Store;
import dev.latchkey.core.store.jdbc.JdbcStores;
import dev.latchkey.testkit.EngineHarness;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Logging in with an email address and a password (automatic confirmation: mail is not the point here). */
class LogInTest {
    private static final String PASSWORD = "a long enough secret";

    private final EmailFixture fixture = new EmailFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    private EngineHarness autoConfirming(Map<String, Object> extra) {
        return fixture.engine(settings -> {
            settings.remove("emailConfirmationUrl");
            settings.put("autoConfirm", true);
            settings.putAll(extra);
        });
    }

    @Test
    void anUnknownAddressAndAWrongPasswordGiveTheSameAnswer() {
        EngineHarness engine = autoConfirming(Map.of());
        engine.service().emailPassword().registerUser("ann@example.com", PASSWORD);
        AuthException unknown = catchThrowableOfType(AuthException.class,
                () -> engine.service().logIn(Credentials.emailPassword("nobody@example.com", PASSWORD)));
        AuthException wrong = catchThrowableOfType(AuthException.class,
                () -> engine.service().logIn(Credentials.emailPassword("ann@example.com", "not the password")));
        AuthException notAnAddress = catchThrowableOfType(AuthException.class,
                () -> engine.service().logIn(Credentials.emailPassword("nobody", PASSWORD)));
        assertThat(unknown.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(wrong.code()).isEqualTo(unknown.code());
        assertThat(notAnAddress.code()).isEqualTo(unknown.code());
        assertThat(wrong.getMessage()).isEqualTo(unknown.getMessage()).isEqualTo(notAnAddress.getMessage());
    }

    @Test
    void passwordsAreTakenExactlyNeitherTruncatedNorCaseFolded() {
        EngineHarness engine = autoConfirming(Map.of());
        String longest = "\uD83D\uDD11".repeat(64) + "x".repeat(64);   // 128 code points, 192 chars
        engine.service().emailPassword().registerUser("ann@example.com", longest);
        engine.service().logIn(Credentials.emailPassword("ann@example.com", longest));
        assertCode(() -> engine.service().logIn(Credentials.emailPassword("ann@example.com", longest.substring(0, longest.length() - 1))),
                ErrorCode.INVALID_CREDENTIALS);
        engine.service().emailPassword().registerUser("bob@example.com", "CaseMatters");
        assertCode(() -> engine.service().logIn(Credentials.emailPassword("bob@example.com", "casematters")), ErrorCode.INVALID_CREDENTIALS);
        assertCode(() -> engine.service().logIn(Credentials.emailPassword("bob@example.com", " CaseMatters")), ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void addressesAreCaseSensitiveByDefaultAsInAppServices() {
        EngineHarness engine = autoConfirming(Map.of());
        engine.service().emailPassword().registerUser("Ann@Example.com", PASSWORD);
        engine.service().emailPassword().registerUser("ann@example.com", "another password");
        Session upper = engine.service().logIn(Credentials.emailPassword("Ann@Example.com", PASSWORD));
        Session lower = engine.service().logIn(Credentials.emailPassword("ann@example.com", "another password"));
        assertThat(upper.user().id()).isNotEqualTo(lower.user().id());
        // Surrounding blanks are not part of an address.
        assertThat(engine.service().logIn(Credentials.emailPassword("  ann@example.com\t", "another password")).user().id())
                .isEqualTo(lower.user().id());
    }

    @Test
    void caseInsensitiveAddressesAreOneAccount() {
        EngineHarness engine = autoConfirming(Map.of("caseInsensitiveEmails", true));
        engine.service().emailPassword().registerUser("Ann@Example.com", PASSWORD);
        assertCode(() -> engine.service().emailPassword().registerUser("ann@example.COM", PASSWORD), ErrorCode.ACCOUNT_NAME_IN_USE);
        Session session = engine.service().logIn(Credentials.emailPassword("ANN@EXAMPLE.COM", PASSWORD));
        assertThat(session.user().identities().get(0).profile().email()).isEqualTo("ann@example.com");
    }

    @Test
    void theMinimumLengthCanBeRaisedAndCommonPasswordsRefused() {
        EngineHarness engine = autoConfirming(Map.of("minPasswordLength", 8, "rejectCommonPasswords", true));
        assertCode(() -> engine.service().emailPassword().registerUser("ann@example.com", "1234567"), ErrorCode.BAD_PASSWORD, "at least 8");
        assertCode(() -> engine.service().emailPassword().registerUser("ann@example.com", "Password1"), ErrorCode.BAD_PASSWORD, "common");
        assertCode(() -> engine.service().emailPassword().registerUser("ann@example.com", "qwertyuiop"), ErrorCode.BAD_PASSWORD, "common");
        engine.service().emailPassword().registerUser("ann@example.com", "unusual enough phrase");
    }

    @Test
    void aDeletedUserCannotLogInAndItsAddressRegistersAsANewUser() {
        EngineHarness engine = autoConfirming(Map.of());
        engine.service().emailPassword().registerUser("ann@example.com", PASSWORD);
        Session first = engine.service().logIn(Credentials.emailPassword("ann@example.com", PASSWORD));

        engine.service().deleteUser(first.user().id());

        assertCode(() -> engine.service().logIn(Credentials.emailPassword("ann@example.com", PASSWORD)), ErrorCode.INVALID_CREDENTIALS);
        engine.service().emailPassword().registerUser("ann@example.com", PASSWORD);
        assertThat(engine.service().logIn(Credentials.emailPassword("ann@example.com", PASSWORD)).user().id())
                .isNotEqualTo(first.user().id());
    }

    @Test
    void aHashWithOldParametersIsUpgradedAtTheNextLogIn(@TempDir Path data) {
        String oldCost = "$argon2id$v=19$m=1024,t=1,p=1$";
        try (EngineHarness cheap = onDisk(data, Map.of("memoryKib", 1024, "iterations", 1))) {
            cheap.service().emailPassword().registerUser("ann@example.com", PASSWORD);
        }
        assertThat(storedHash(data)).startsWith(oldCost);
        try (EngineHarness owasp = onDisk(data, null)) {
            owasp.service().logIn(Credentials.emailPassword("ann@example.com", PASSWORD));
        }
        assertThat(storedHash(data)).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        try (EngineHarness owasp = onDisk(data, null)) {
            owasp.service().logIn(Credentials.emailPassword("ann@example.com", PASSWORD));
            assertCode(() -> owasp.service().logIn(Credentials.emailPassword("ann@example.com", "wrong password")),
                    ErrorCode.INVALID_CREDENTIALS);
        }
    }

    @Test
    @org.junit.jupiter.api.parallel.ResourceLock(dev.latchkey.testkit.log.LogCapture.RESOURCE_LOCK)
    void accountsHashedByLibargon2LogInWithBouncyCastleAndTheOtherWayRound(@TempDir Path data) {
        Map<String, Object> c = Map.of("memoryKib", 1024, "iterations", 1, "implementation", "native");
        Map<String, Object> java = Map.of("memoryKib", 1024, "iterations", 1, "implementation", "java");
        java.util.List<dev.latchkey.testkit.log.LogCapture.Entry> logged;
        try (dev.latchkey.testkit.log.LogCapture capture = dev.latchkey.testkit.log.LogCapture.start()) {
            try (EngineHarness first = onDisk(data, c)) {
                first.service().emailPassword().registerUser("ann@example.com", PASSWORD);
            }
            String byC = storedHash(data);
            try (EngineHarness second = onDisk(data, java)) {
                second.service().logIn(Credentials.emailPassword("ann@example.com", PASSWORD));
                assertCode(() -> second.service().logIn(Credentials.emailPassword("ann@example.com", "wrong password")),
                        ErrorCode.INVALID_CREDENTIALS);
                second.service().emailPassword().registerUser("bob@example.com", PASSWORD);
            }
            assertThat(storedHash(data)).as("a current hash is not made again").isEqualTo(byC);
            try (EngineHarness third = onDisk(data, c)) {
                third.service().logIn(Credentials.emailPassword("bob@example.com", PASSWORD));
                assertCode(() -> third.service().logIn(Credentials.emailPassword("bob@example.com", "wrong password")),
                        ErrorCode.INVALID_CREDENTIALS);
            }
            logged = capture.entries();
        }
        // One INFO line per start says which implementation hashes, and why.
        assertThat(logged).filteredOn(e -> e.text().contains("Argon2id by libargon2 (native, ")).hasSize(2)
                .allSatisfy(e -> assertThat(e.origin()).contains("INFO"));
        assertThat(logged).filteredOn(e -> e.text().contains("Argon2id by Bouncy Castle (pure Java): passwordHashing.implementation is"))
                .hasSize(1);
        assertThat(logged).noneSatisfy(e -> assertThat(e.text()).contains(PASSWORD));
    }

    private static EngineHarness onDisk(Path data, Map<String, Object> hashing) {
        Map<String, Object> settings = new java.util.LinkedHashMap<>();
        settings.put("autoConfirm", true);
        if (hashing != null) {
            settings.put("passwordHashing", hashing);
        }
        return EngineHarness.builder().store(() -> JdbcStores.open(StoreSettings.DEFAULT, data, "test-app"))
                .enable(ProviderTypes.EMAIL_PASSWORD, settings).build().start();
    }

    private static String storedHash(Path data) {
        try (Store store = JdbcStores.open(StoreSettings.DEFAULT, data, "test-app")) {
            ProviderStore.Document account = store.documents(ProviderTypes.EMAIL_PASSWORD).get("account:ann@example.com").orElseThrow();
            return com.google.gson.JsonParser.parseString(account.json()).getAsJsonObject().get("hash").getAsString();
        }
    }

    @Test
    void guessingOnePasswordIsThrottledPerAccountAsTheProviderNamesIt() {
        EngineHarness engine = fixture.engine(settings -> {
            settings.remove("emailConfirmationUrl");
            settings.put("autoConfirm", true);
            settings.put("caseInsensitiveEmails", true);
        }, builder -> builder.throttle(Map.of("accountFailures", 3, "accountWindow", "PT3M")));
        engine.service().emailPassword().registerUser("ann@example.com", PASSWORD);
        // Three spellings of one account: the provider names them all "ann@example.com".
        for (String spelling : java.util.List.of("ann@example.com", "ANN@example.com", " Ann@Example.com ")) {
            assertCode(() -> engine.service().logIn(Credentials.emailPassword(spelling, "guess"), null, "10.0.0.66"),
                    ErrorCode.INVALID_CREDENTIALS);
        }
        AuthException limited = catchThrowableOfType(AuthException.class,
                () -> engine.service().logIn(Credentials.emailPassword("ann@example.com", PASSWORD), null, "10.0.0.66"));
        assertThat(limited.code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(limited.retryAfter()).isPresent();
        assertThat(limited.getMessage()).doesNotContain("ann@example.com");

        // The owner elsewhere is not slowed down, and the guesser's wait ends.
        engine.service().logIn(Credentials.emailPassword("ann@example.com", PASSWORD), null, "192.168.1.7");
        engine.clock().advance(limited.retryAfter().orElseThrow());
        engine.service().logIn(Credentials.emailPassword("ann@example.com", PASSWORD), null, "10.0.0.66");
    }

    @Test
    void anUnknownAddressCostsOneHashLikeAWrongPasswordAndAMadeUpResetTokenNone() {
        EmailPasswordProvider provider = new EmailPasswordProvider();
        EngineHarness engine = fixture.engine(settings -> { }, builder -> builder.provider(provider));
        engine.service().emailPassword().registerUser("ann@example.com", PASSWORD);

        long before = provider.hashComputations();
        assertCode(() -> engine.service().logIn(Credentials.emailPassword("nobody@example.com", PASSWORD)), ErrorCode.INVALID_CREDENTIALS);
        long unknown = provider.hashComputations() - before;
        before = provider.hashComputations();
        assertCode(() -> engine.service().logIn(Credentials.emailPassword("ann@example.com", "wrong password")), ErrorCode.INVALID_CREDENTIALS);
        long wrong = provider.hashComputations() - before;
        assertThat(unknown).isEqualTo(1).isEqualTo(wrong);

        before = provider.hashComputations();
        assertCode(() -> engine.service().emailPassword().resetPassword("made-up", "0".repeat(32), "a new password"),
                ErrorCode.USERPASS_TOKEN_INVALID);
        assertThat(provider.hashComputations()).isEqualTo(before);
    }

    @Test
    void aTamperedHashAskingForAGigabyteIsNotComputed(@TempDir Path data) {
        try (EngineHarness engine = onDisk(data, null)) {
            engine.service().emailPassword().registerUser("ann@example.com", PASSWORD);
        }
        try (Store store = JdbcStores.open(StoreSettings.DEFAULT, data, "test-app")) {
            ProviderStore documents = store.documents(ProviderTypes.EMAIL_PASSWORD);
            ProviderStore.Document account = documents.get("account:ann@example.com").orElseThrow();
            com.google.gson.JsonObject json = com.google.gson.JsonParser.parseString(account.json()).getAsJsonObject();
            json.addProperty("hash", json.get("hash").getAsString().replace("m=19456,t=2", "m=1048576,t=64"));
            String tampered = json.toString();
            assertThat(json.get("hash").getAsString()).startsWith("$argon2id$v=19$m=1048576,t=64,p=1$");
            assertThat(documents.compareAndSet(account.key(), account.version(), tampered, account.index())).isTrue();
        }
        try (EngineHarness engine = onDisk(data, null)) {
            assertCode(() -> engine.service().logIn(Credentials.emailPassword("ann@example.com", PASSWORD)), ErrorCode.INVALID_CREDENTIALS);
        }
    }
}
