package dev.latchkey.provider.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.Profile;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.Session;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.ProviderContext;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.TestClock;
import dev.latchkey.testkit.fake.FakeApple;
import dev.latchkey.testkit.log.LogCapture;
import dev.latchkey.testkit.log.SecretScan;
import dev.latchkey.testkit.log.SecretScan.Secret;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/** What {@code oauth2-apple} checks and what it tells, issue 5 bullet by bullet, against a {@link FakeApple}. */
class AppleProviderTest {
    private static final String BUNDLE_ID = "com.example.app";
    private static final String SERVICES_ID = "com.example.web";
    private static final String RAW_NONCE = "n-0S6_WzA2Mj-raw-nonce-kept-by-the-client";

    private final TestClock clock = new TestClock();
    private final FakeApple apple = new FakeApple(clock);
    private final FakeApple.User alice = apple.addUser("001234.aaaa.0001", "alice@example.com", true, false);
    private final List<EngineHarness> engines = new ArrayList<>();
    private AppleProvider provider;

    @AfterEach
    void close() {
        engines.forEach(EngineHarness::close);
        apple.close();
    }

    // ------------------------------------------------------------------------------------------
    // Tokens
    // ------------------------------------------------------------------------------------------

    @Test
    void aTokenForTheBundleIdProvesApplesSubject() {
        start();

        Identity identity = provider.authenticate(Credentials.apple(apple.issueIdToken(alice, BUNDLE_ID)));

        assertThat(identity.providerType()).isEqualTo(ProviderTypes.APPLE);
        assertThat(identity.subject()).isEqualTo("001234.aaaa.0001");
    }

    @Test
    void aTokenForTheServicesIdIsAcceptedToo() {
        start();

        Identity identity = provider.authenticate(Credentials.apple(apple.issueIdToken(alice, SERVICES_ID)));

        assertThat(identity.subject()).isEqualTo(alice.sub());
    }

    @Test
    void aTokenForAnotherClientIdIsRejected() {
        start();

        expect(ErrorCode.INVALID_CREDENTIALS, () -> provider.authenticate(
                Credentials.apple(apple.issueIdToken(alice, "com.other.app"))));
    }

    @Test
    void aTokenNamingSeveralAudiencesIsRejectedEvenWhenOneIsOurs() {
        start();
        String token = apple.sign(apple.claimsFor(alice, BUNDLE_ID, null).audience(List.of(BUNDLE_ID, "com.other.app")).build());

        expect(ErrorCode.INVALID_CREDENTIALS, () -> provider.authenticate(Credentials.apple(token)));
    }

    @Test
    void aTokenFromAnotherIssuerIsRejected() {
        start();

        expect(ErrorCode.INVALID_CREDENTIALS, () -> provider.authenticate(
                Credentials.apple(apple.issueIdTokenFromOtherIssuer(alice, BUNDLE_ID))));
    }

    @Test
    void anExpiredTokenIsRejected() {
        start();

        expect(ErrorCode.INVALID_CREDENTIALS, () -> provider.authenticate(
                Credentials.apple(apple.issueExpiredIdToken(alice, BUNDLE_ID))));
    }

    @Test
    void aTokenJustPastItsExpiryIsAcceptedWithinTheClockSkewOnly() {
        start(Map.of("clockSkew", "PT60S"));
        Credentials credentials = Credentials.apple(apple.issueIdToken(alice, BUNDLE_ID));

        clock.advance(FakeApple.TOKEN_LIFETIME.plusSeconds(59));
        assertThat(provider.authenticate(credentials).subject()).isEqualTo(alice.sub());

        clock.advance(Duration.ofSeconds(2));
        expect(ErrorCode.INVALID_CREDENTIALS, () -> provider.authenticate(credentials));
    }

    @Test
    void aTokenSignedWithAKeyAppleDoesNotPublishIsRejected() {
        start();

        expect(ErrorCode.INVALID_CREDENTIALS, () -> provider.authenticate(
                Credentials.apple(apple.issueIdTokenWithUnknownKey(alice, BUNDLE_ID))));
    }

    @Test
    void aTokenWithStrayCharactersIsMalformedNotAcceptedAfterDecoding() {
        start();
        String token = apple.issueIdToken(alice, BUNDLE_ID);

        for (String tampered : List.of(token + "\n", token + "\u0000", token.replace(".", ".\r\n"), " " + token, token + "=")) {
            expect(ErrorCode.MALFORMED, () -> provider.authenticate(Credentials.apple(tampered)));
        }
    }

    // ------------------------------------------------------------------------------------------
    // Key rotation
    // ------------------------------------------------------------------------------------------

    @Test
    void aTokenSignedWithANewKeyIsAcceptedOnceTheRefetchIntervalHasPassed() {
        start(Map.of("jwksRefetchInterval", "PT30S"));
        Credentials signedWithOldKey = Credentials.apple(apple.issueIdToken(alice, BUNDLE_ID));
        provider.authenticate(signedWithOldKey);

        apple.rotateKeys();
        Credentials signedWithNewKey = Credentials.apple(apple.issueIdToken(alice, BUNDLE_ID));
        // Fetched a moment ago: an unknown kid does not trigger another fetch yet (SECURITY.md 6).
        expect(ErrorCode.INVALID_CREDENTIALS, () -> provider.authenticate(signedWithNewKey));

        clock.advance(Duration.ofSeconds(31));
        assertThat(provider.authenticate(signedWithNewKey).subject()).isEqualTo(alice.sub());
        assertThat(provider.authenticate(signedWithOldKey).subject()).isEqualTo(alice.sub());
        assertThat(apple.jwksRequestCount()).isEqualTo(2);
    }

    @Test
    void aFloodOfUnknownKeysCostsOneFetch() {
        start();
        provider.authenticate(Credentials.apple(apple.issueIdToken(alice, BUNDLE_ID)));

        for (int i = 0; i < 20; i++) {
            expect(ErrorCode.INVALID_CREDENTIALS, () -> provider.authenticate(
                    Credentials.apple(apple.issueIdTokenWithUnknownKey(alice, BUNDLE_ID))));
        }

        assertThat(apple.jwksRequestCount()).isEqualTo(1);
    }

    // ------------------------------------------------------------------------------------------
    // Nonce (SECURITY.md 13)
    // ------------------------------------------------------------------------------------------

    @Nested
    class WhenANonceIsRequired {
        @Test
        void theMatchingRawNonceIsAccepted() {
            start(Map.of("requireNonce", true));

            Identity identity = provider.authenticate(withNonce(apple.issueIdToken(alice, BUNDLE_ID, RAW_NONCE), RAW_NONCE));

            assertThat(identity.subject()).isEqualTo(alice.sub());
        }

        @Test
        void credentialsWithoutANonceAreRejected() {
            start(Map.of("requireNonce", true));

            expect(ErrorCode.INVALID_CREDENTIALS, () -> provider.authenticate(
                    Credentials.apple(apple.issueIdToken(alice, BUNDLE_ID, RAW_NONCE))));
        }

        @Test
        void aTokenWithoutANonceClaimIsRejected() {
            start(Map.of("requireNonce", true));

            expect(ErrorCode.INVALID_CREDENTIALS, () -> provider.authenticate(
                    withNonce(apple.issueIdToken(alice, BUNDLE_ID), RAW_NONCE)));
        }

        @Test
        void anotherNonceIsRejected() {
            start(Map.of("requireNonce", true));

            expect(ErrorCode.INVALID_CREDENTIALS, () -> provider.authenticate(
                    withNonce(apple.issueIdToken(alice, BUNDLE_ID, RAW_NONCE), RAW_NONCE + "x")));
        }

        @Test
        void theHashedNonceInPlaceOfTheRawOneIsRejected() {
            start(Map.of("requireNonce", true));
            String token = apple.issueIdToken(alice, BUNDLE_ID, RAW_NONCE);

            // Whoever copied the token can read its nonce claim; only the client holds the raw nonce.
            expect(ErrorCode.INVALID_CREDENTIALS, () -> provider.authenticate(withNonce(token, FakeApple.sha256Hex(RAW_NONCE))));
        }

        @Test
        void aTokenCarryingTheRawNonceIsRejected() {
            start(Map.of("requireNonce", true));
            // A client that sent Apple the raw nonce, against Apple's advice.
            String token = apple.sign(apple.claimsFor(alice, BUNDLE_ID, null).claim("nonce", RAW_NONCE).build());

            expect(ErrorCode.INVALID_CREDENTIALS, () -> provider.authenticate(withNonce(token, RAW_NONCE)));
        }

        @Test
        void aNonceClaimInUpperCaseHexIsRejected() {
            start(Map.of("requireNonce", true));
            String token = apple.sign(apple.claimsFor(alice, BUNDLE_ID, null)
                    .claim("nonce", FakeApple.sha256Hex(RAW_NONCE).toUpperCase(java.util.Locale.ROOT)).build());

            expect(ErrorCode.INVALID_CREDENTIALS, () -> provider.authenticate(withNonce(token, RAW_NONCE)));
        }
    }

    @Nested
    class WhenANonceIsNotRequired {
        @Test
        void aTokenWithoutANonceClaimIsAcceptedAloneButOneWithANonceClaimNeedsItsNonce() {
            start();

            assertThat(provider.authenticate(Credentials.apple(apple.issueIdToken(alice, BUNDLE_ID))).subject()).isEqualTo(alice.sub());
            // A stolen token issued with a nonce must not pass by leaving the nonce out.
            expect(ErrorCode.INVALID_CREDENTIALS, () -> provider.authenticate(
                    Credentials.apple(apple.issueIdToken(alice, BUNDLE_ID, RAW_NONCE))));
        }

        @Test
        void aNonceGivenIsStillChecked() {
            start();
            String token = apple.issueIdToken(alice, BUNDLE_ID, RAW_NONCE);

            assertThat(provider.authenticate(withNonce(token, RAW_NONCE)).subject()).isEqualTo(alice.sub());
            expect(ErrorCode.INVALID_CREDENTIALS, () -> provider.authenticate(withNonce(token, "another-nonce")));
            expect(ErrorCode.INVALID_CREDENTIALS, () -> provider.authenticate(
                    withNonce(apple.issueIdToken(alice, BUNDLE_ID), RAW_NONCE)));
        }
    }

    // ------------------------------------------------------------------------------------------
    // Credentials shape
    // ------------------------------------------------------------------------------------------

    @Test
    void credentialsOfTheWrongShapeAreMalformed() {
        start();
        String token = apple.issueIdToken(alice, BUNDLE_ID, RAW_NONCE);
        List<Map<String, Object>> payloads = new ArrayList<>();
        payloads.add(Map.of());
        payloads.add(Map.of("nonce", RAW_NONCE));
        payloads.add(Map.of("id_token", 42));
        payloads.add(Map.of("id_token", List.of(token)));
        payloads.add(Map.of("id_token", token, "nonce", 42));
        payloads.add(Map.of("id_token", token, "nonce", true));
        payloads.add(Map.of("id_token", token, "nonce", ""));
        payloads.add(Map.of("id_token", token, "nonce", "n".repeat(AppleProvider.MAX_NONCE_LENGTH + 1)));
        payloads.add(Map.of("id_token", token, "nonce", "caf\u00e9"));
        payloads.add(Map.of("id_token", token, "nonce", "line\nbreak"));
        payloads.add(Map.of("id_token", token, "code", "an-authorization-code"));
        payloads.add(Map.of("id_token", token, "user", Map.of("name", "Alice")));
        Map<String, Object> nullNonce = new LinkedHashMap<>();
        nullNonce.put("id_token", token);
        nullNonce.put("nonce", null);
        payloads.add(nullNonce);

        for (Map<String, Object> payload : payloads) {
            expect(ErrorCode.MALFORMED, () -> provider.authenticate(Credentials.of(ProviderTypes.APPLE, payload)));
        }
    }

    @Test
    void aNonceOfTheLongestLengthIsAccepted() {
        start();
        String nonce = "n".repeat(AppleProvider.MAX_NONCE_LENGTH);

        assertThat(provider.authenticate(withNonce(apple.issueIdToken(alice, BUNDLE_ID, nonce), nonce)).subject())
                .isEqualTo(alice.sub());
    }

    @Test
    void credentialsOfAnotherProviderAreMalformed() {
        start();

        expect(ErrorCode.MALFORMED, () -> provider.authenticate(Credentials.google(apple.issueIdToken(alice, BUNDLE_ID),
                dev.latchkey.api.GoogleCredentialType.ID_TOKEN)));
    }

    // ------------------------------------------------------------------------------------------
    // Profile
    // ------------------------------------------------------------------------------------------

    @Test
    void aVerifiedEmailIsInTheProfileWithItsRelayFlag() {
        start();

        Profile profile = provider.authenticate(Credentials.apple(apple.issueIdToken(alice, BUNDLE_ID))).profile();

        assertThat(profile.email()).isEqualTo("alice@example.com");
        assertThat(profile.extras()).containsEntry(AppleProvider.PRIVATE_EMAIL_EXTRA, "false");
    }

    @Test
    void aPrivateRelayAddressIsMarkedInTheProfile() {
        start();
        FakeApple.User hidden = apple.addUser("001234.cccc.0003", "x7k2qz@privaterelay.appleid.com", true, true);

        Profile profile = provider.authenticate(Credentials.apple(apple.issueIdToken(hidden, BUNDLE_ID))).profile();

        assertThat(profile.email()).isEqualTo("x7k2qz@privaterelay.appleid.com");
        assertThat(profile.extras()).containsEntry(AppleProvider.PRIVATE_EMAIL_EXTRA, "true");
    }

    @Test
    void anUnverifiedEmailIsLeftOut() {
        start();
        FakeApple.User unverified = apple.addUser("001234.dddd.0004", "mallory@example.com", false, false);

        Profile profile = provider.authenticate(Credentials.apple(apple.issueIdToken(unverified, BUNDLE_ID))).profile();

        assertThat(profile.email()).isNull();
        assertThat(profile.extras()).doesNotContainKey(AppleProvider.PRIVATE_EMAIL_EXTRA);
    }

    @Test
    void flagsSentAsStringsAreReadLikeBooleans() {
        start();
        apple.flagsAsStrings(true);
        FakeApple.User hidden = apple.addUser("001234.eeee.0005", "q9@privaterelay.appleid.com", true, true);
        FakeApple.User unverified = apple.addUser("001234.ffff.0006", "mallory@example.com", false, false);

        Profile verified = provider.authenticate(Credentials.apple(apple.issueIdToken(hidden, BUNDLE_ID))).profile();
        Profile notVerified = provider.authenticate(Credentials.apple(apple.issueIdToken(unverified, BUNDLE_ID))).profile();

        assertThat(verified.email()).isEqualTo("q9@privaterelay.appleid.com");
        assertThat(verified.extras()).containsEntry(AppleProvider.PRIVATE_EMAIL_EXTRA, "true");
        assertThat(notVerified.email()).isNull();
    }

    @Test
    void aUserWhoSharesNoEmailHasAnEmptyProfile() {
        start();
        FakeApple.User silent = apple.addUser("001234.gggg.0007", null, false, false);

        Profile profile = provider.authenticate(Credentials.apple(apple.issueIdToken(silent, BUNDLE_ID))).profile();

        assertThat(profile).isEqualTo(Profile.EMPTY);
    }

    // ------------------------------------------------------------------------------------------
    // Users
    // ------------------------------------------------------------------------------------------

    @Test
    void identitiesAreNamespacedByProvider() {
        FakeApple.User numbered = apple.addUser("123", "n@example.com", true, false);
        EngineHarness engine = EngineHarness.builder().clock(clock)
                .provider(new AppleProvider()).enable(ProviderTypes.APPLE, settings(Map.of()))
                .provider(new SubjectEchoProvider()).enable(SubjectEchoProvider.TYPE)
                .build();
        engines.add(engine);
        AuthService service = engine.start().service();

        Session viaApple = service.logIn(Credentials.apple(apple.issueIdToken(numbered, BUNDLE_ID)));
        Session viaOther = service.logIn(SubjectEchoProvider.as("123"));
        Session viaAppleAgain = service.logIn(Credentials.apple(apple.issueIdToken(numbered, SERVICES_ID)));

        assertThat(viaApple.user().id()).isNotEqualTo(viaOther.user().id());
        assertThat(viaAppleAgain.user().id()).isEqualTo(viaApple.user().id());
    }

    // ------------------------------------------------------------------------------------------
    // Secrets (SECURITY.md 30)
    // ------------------------------------------------------------------------------------------

    @Test
    @ResourceLock(Resources.SYSTEM_OUT)
    @ResourceLock(Resources.SYSTEM_ERR)
    @ResourceLock(LogCapture.RESOURCE_LOCK)
    void noTokenOrNonceReachesAMessageOrALog() {
        EngineHarness engine = start(Map.of("requireNonce", true));
        String good = apple.issueIdToken(alice, BUNDLE_ID, RAW_NONCE);
        String otherAudience = apple.issueIdToken(alice, "com.other.app", RAW_NONCE);
        String expired = apple.issueExpiredIdToken(alice, BUNDLE_ID);
        String unknownKey = apple.issueIdTokenWithUnknownKey(alice, BUNDLE_ID);
        String wrongNonce = "a-wrong-nonce-that-is-secret";
        List<Secret> secrets = List.of(new Secret("good token", good), new Secret("other-audience token", otherAudience),
                new Secret("expired token", expired), new Secret("unknown-key token", unknownKey),
                new Secret("raw nonce", RAW_NONCE), new Secret("wrong nonce", wrongNonce),
                new Secret("hashed nonce", FakeApple.sha256Hex(RAW_NONCE)));
        List<Credentials> rejected = List.of(withNonce(good, wrongNonce), withNonce(otherAudience, RAW_NONCE),
                withNonce(expired, RAW_NONCE), withNonce(unknownKey, RAW_NONCE), Credentials.apple(good),
                withNonce(good, FakeApple.sha256Hex(RAW_NONCE)), withNonce(good + "\n", RAW_NONCE),
                Credentials.of(ProviderTypes.APPLE, Map.of("id_token", good, "nonce", RAW_NONCE + "\n")));
        List<SecretScan.Finding> findings = new ArrayList<>();

        try (LogCapture capture = LogCapture.startIgnoring(List.of("mockwebserver3", "okhttp3.mockwebserver"))) {
            engine.service().logIn(withNonce(good, RAW_NONCE));
            for (Credentials c : rejected) {
                for (ThrowingCallable call : List.<ThrowingCallable>of(() -> provider.authenticate(c), () -> engine.service().logIn(c))) {
                    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
                    assertThat(thrown).isInstanceOf(AuthException.class);
                    findings.addAll(SecretScan.find("message", thrown.getMessage(), secrets));
                    findings.addAll(SecretScan.find("toString", thrown.toString(), secrets));
                }
                findings.addAll(SecretScan.find("credentials", c.toString(), secrets));
            }
            findings.addAll(SecretScan.find(capture.entries(), secrets));
        }

        assertThat(findings).isEmpty();
    }

    // ------------------------------------------------------------------------------------------
    // Settings
    // ------------------------------------------------------------------------------------------

    @Test
    void settingsHaveApplesDefaults() {
        AppleSettings settings = new AppleSettings(List.of(BUNDLE_ID), null, null, null, null, null, null);

        assertThat(settings.requireNonce()).isFalse();
        assertThat(settings.jwksUri()).isEqualTo("https://appleid.apple.com/auth/keys");
        assertThat(settings.issuer()).isEqualTo("https://appleid.apple.com");
        assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.clockSkew()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.jwksRefetchInterval()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void badSettingsFailStartNamingTheSetting() {
        Map<String, Map<String, Object>> cases = new LinkedHashMap<>();
        cases.put("clientIds", Map.of("jwksUri", apple.jwksUri()));
        cases.put("clientIds ", Map.of("clientIds", List.of(), "jwksUri", apple.jwksUri()));
        cases.put("clientIds  ", Map.of("clientIds", List.of(" "), "jwksUri", apple.jwksUri()));
        cases.put("timeout", settings(Map.of("timeout", "PT31S")));
        cases.put("clockSkew", settings(Map.of("clockSkew", "PT6M")));
        cases.put("jwksRefetchInterval", settings(Map.of("jwksRefetchInterval", "PT0S")));
        cases.put("jwksUri", settings(Map.of("jwksUri", "http://keys.example.com/auth/keys")));
        cases.put("jwksUri ", settings(Map.of("jwksUri", "not a url")));
        cases.put("issuer", settings(Map.of("issuer", "")));

        cases.forEach((setting, section) -> {
            EngineHarness engine = EngineHarness.builder().clock(clock).provider(new AppleProvider())
                    .enable(ProviderTypes.APPLE, section).build();
            engines.add(engine);
            assertThatThrownBy(engine::start).isInstanceOf(AuthException.class)
                    .satisfies(e -> assertThat(((AuthException) e).code()).isEqualTo(ErrorCode.CONFIGURATION))
                    .hasMessageContaining("providers." + ProviderTypes.APPLE)
                    .hasMessageContaining(setting.strip());
        });
    }

    // ------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------

    private EngineHarness start() {
        return start(Map.of());
    }

    private EngineHarness start(Map<String, Object> extra) {
        provider = new AppleProvider();
        EngineHarness engine = EngineHarness.builder().clock(clock).provider(provider)
                .enable(ProviderTypes.APPLE, settings(extra)).build();
        engines.add(engine);
        return engine.start();
    }

    private Map<String, Object> settings(Map<String, Object> extra) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("clientIds", List.of(BUNDLE_ID, SERVICES_ID));
        settings.put("jwksUri", apple.jwksUri());
        settings.put("issuer", apple.issuer());
        settings.put("timeout", "PT2S");
        settings.putAll(extra);
        return settings;
    }

    private static Credentials withNonce(String token, String nonce) {
        return Credentials.of(ProviderTypes.APPLE, Map.of("id_token", token, "nonce", nonce));
    }

    private static void expect(ErrorCode code, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(AuthException.class)
                .satisfies(e -> assertThat(((AuthException) e).code()).isEqualTo(code));
    }

    /** Another provider whose subjects look like Apple's: {@code {"sub": s}} proves account {@code s}. Test-only, not registered. */
    static final class SubjectEchoProvider implements CredentialProvider {
        static final String TYPE = "test-subject-echo";

        static Credentials as(String subject) {
            return Credentials.of(TYPE, Map.of("sub", subject));
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void start(ProviderContext context) {
        }

        @Override
        public Identity authenticate(Credentials credentials) {
            return Identity.of(TYPE, credentials.stringField("sub")
                    .orElseThrow(() -> new AuthException(ErrorCode.MALFORMED, "no sub")));
        }
    }
}
