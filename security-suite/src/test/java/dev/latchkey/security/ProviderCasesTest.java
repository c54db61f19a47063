package dev.latchkey.security;

import static dev.latchkey.security.Suite.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.latchkey.api.ApiKey;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.GoogleCredentialType;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.Session;
import dev.latchkey.provider.custom.AuthFunction;
import dev.latchkey.provider.custom.FunctionIdentity;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.TestClock;
import dev.latchkey.testkit.fake.Failure;
import dev.latchkey.testkit.fake.FakeApple;
import dev.latchkey.testkit.fake.FakeFacebook;
import dev.latchkey.testkit.fake.FakeFunctionEndpoint;
import dev.latchkey.testkit.fake.FakeGoogle;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SECURITY.md "Providers", cases 12-17: Google, Apple and Facebook against their fakes, API keys
 * and the custom function, each through the engine's {@code logIn} (the path every client takes).
 */
class ProviderCasesTest {
    private static final String WEB_CLIENT = "1234-web.apps.googleusercontent.com";
    private static final String OTHER_CLIENT = "9999-other-app.apps.googleusercontent.com";
    private static final String GOOGLE_SECRET = "GOCSPX-suite-client-secret-value";
    private static final String BUNDLE_ID = "com.example.app";
    private static final String RAW_NONCE = "n-0S6_WzA2Mj-raw-nonce-kept-by-the-client";
    private static final Credentials CALEB = Credentials.function(Map.of("username", "caleb", "pin", "4711"));

    private final TestClock clock = new TestClock();
    private final List<AutoCloseable> closing = new ArrayList<>();

    @TempDir
    Path data;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closing.add(0, c);
        return c;
    }

    private AuthService engine(EngineHarness.Builder builder) {
        return closeLater(builder.clock(clock).throttle(Map.of("enabled", false)).build()).start().service();
    }

    private static void noUsers(AuthService engine) {
        assertThat(engine.listUsers(null, 10).users()).as("users created by refused log-ins").isEmpty();
    }

    // ---- 12 ----------------------------------------------------------------------------------

    /**
     * SECURITY.md #12: "Google ID token or auth code issued to another client id → rejected; unexpected {@code iss} → rejected."
     * ASVS 5.0 V10 (OAuth/OIDC: audience and issuer of ID tokens, codes bound to the client).
     */
    @Test
    void case12_googleTokenOrCodeOfAnotherClientOrIssuerIsRejected() {
        FakeGoogle google = closeLater(new FakeGoogle(clock).client(WEB_CLIENT, GOOGLE_SECRET, "postmessage")
                .client(OTHER_CLIENT, "GOCSPX-other-secret", "postmessage"));
        FakeGoogle.Account alice = google.addAccount("110169484474386276334", "alice@example.com", true, "Alice");
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("clientId", WEB_CLIENT);
        settings.put("clientSecret", GOOGLE_SECRET);
        settings.put("tokenEndpoint", google.tokenEndpoint());
        settings.put("jwksUri", google.jwksUri());
        settings.put("userinfoEndpoint", google.userinfoEndpoint());
        settings.put("timeout", "PT2S");
        AuthService engine = engine(EngineHarness.builder().enable(ProviderTypes.GOOGLE, settings));

        refused(ErrorCode.INVALID_CREDENTIALS, () -> engine.logIn(
                Credentials.google(google.issueIdToken(alice, OTHER_CLIENT), GoogleCredentialType.ID_TOKEN)));
        refused(ErrorCode.INVALID_CREDENTIALS, () -> engine.logIn(
                Credentials.google(google.issueAuthCode(alice, OTHER_CLIENT), GoogleCredentialType.AUTH_CODE)));
        for (String issuer : List.of("https://evil.example.com", "http://accounts.google.com", "accounts.google.com.evil.com",
                FakeApple.ISSUER)) {
            refused(ErrorCode.INVALID_CREDENTIALS, () -> engine.logIn(Credentials.google(
                    google.issueIdTokenFromIssuer(alice, WEB_CLIENT, issuer), GoogleCredentialType.ID_TOKEN)));
        }
        noUsers(engine);
        assertThat(engine.logIn(Credentials.google(google.issueIdToken(alice, WEB_CLIENT), GoogleCredentialType.ID_TOKEN))
                .user().identities().get(0).subject()).as("the genuine token logs in").isEqualTo(alice.sub());
        assertThat(engine.logIn(Credentials.google(google.issueAuthCode(alice), GoogleCredentialType.AUTH_CODE))
                .user().identities().get(0).subject()).as("the genuine code logs in").isEqualTo(alice.sub());
    }

    // ---- 13 ----------------------------------------------------------------------------------

    /**
     * SECURITY.md #13: "Apple ID token with a missing or mismatched nonce (when a nonce is configured) → rejected."
     * ASVS 5.0 V10 (OIDC nonce against replay of ID tokens).
     */
    @Test
    void case13_appleTokenWithoutItsNonceIsRejected() {
        FakeApple apple = closeLater(new FakeApple(clock));
        FakeApple.User alice = apple.addUser("001234.aaaa.0001", "alice@example.com", true, false);
        AuthService engine = engine(EngineHarness.builder().enable(ProviderTypes.APPLE, Map.of("clientIds", List.of(BUNDLE_ID),
                "jwksUri", apple.jwksUri(), "issuer", apple.issuer(), "timeout", "PT2S", "requireNonce", true)));
        String withNonceClaim = apple.issueIdToken(alice, BUNDLE_ID, RAW_NONCE);
        String nonceClaim = Suite.claims(withNonceClaim).get("nonce").getAsString();

        refused(ErrorCode.INVALID_CREDENTIALS, () -> engine.logIn(Credentials.apple(withNonceClaim)));
        refused(ErrorCode.INVALID_CREDENTIALS, () -> engine.logIn(withNonce(apple.issueIdToken(alice, BUNDLE_ID), RAW_NONCE)));
        refused(ErrorCode.INVALID_CREDENTIALS, () -> engine.logIn(withNonce(withNonceClaim, RAW_NONCE + "x")));
        refused(ErrorCode.INVALID_CREDENTIALS, () -> engine.logIn(withNonce(withNonceClaim, nonceClaim)));
        noUsers(engine);
        assertThat(engine.logIn(withNonce(withNonceClaim, RAW_NONCE)).user().identities().get(0).subject())
                .as("the raw nonce logs in").isEqualTo(alice.sub());
    }

    private static Credentials withNonce(String token, String nonce) {
        return Credentials.of(ProviderTypes.APPLE, Map.of("id_token", token, "nonce", nonce));
    }

    // ---- 14 ----------------------------------------------------------------------------------

    /**
     * SECURITY.md #14: "Facebook token whose {@code debug_token} says another {@code app_id}, {@code is_valid: false}, or expired → rejected."
     * ASVS 5.0 V10 (access tokens checked for their audience and validity, not just used).
     */
    @Test
    void case14_facebookTokenOfAnotherAppInvalidOrExpiredIsRejected() {
        FakeFacebook facebook = closeLater(new FakeFacebook(clock));
        FakeFacebook.TestUser alice = facebook.addUser("10001", "Alice Smith", "alice@example.com");
        AuthService engine = engine(EngineHarness.builder().enable(ProviderTypes.FACEBOOK, Map.of("appId", facebook.appId(),
                "appSecret", facebook.appSecret(), "graphApiBase", facebook.graphApiBase(), "timeout", "PT2S")));

        AuthException otherApp = refused(ErrorCode.INVALID_CREDENTIALS,
                () -> engine.logIn(Credentials.facebook(facebook.issueTokenForOtherApp(alice))));
        assertThat(otherApp.getMessage()).contains("another app");
        String invalid = facebook.issueToken(alice);
        facebook.invalidate(invalid);
        refused(ErrorCode.INVALID_CREDENTIALS, () -> engine.logIn(Credentials.facebook(invalid)));
        String expired = facebook.issueToken(alice);
        facebook.expire(expired);
        refused(ErrorCode.INVALID_CREDENTIALS, () -> engine.logIn(Credentials.facebook(expired)));
        String stale = facebook.issueToken(alice);
        clock.advance(FakeFacebook.TOKEN_LIFETIME.plusSeconds(1));
        refused(ErrorCode.INVALID_CREDENTIALS, () -> engine.logIn(Credentials.facebook(stale)));
        noUsers(engine);
        assertThat(engine.logIn(Credentials.facebook(facebook.issueToken(alice))).user().identities().get(0).subject())
                .isEqualTo("10001");
    }

    // ---- 15 ----------------------------------------------------------------------------------

    /**
     * SECURITY.md #15: "A Facebook picture URL that carries the access token is never stored."
     * ASVS 5.0 V10 / V7 (bearer tokens kept out of stored profile data).
     * Graph answers with the user's token in the picture URL (as {@code access_token} and as
     * another parameter): the profile has no picture, and the token is nowhere in the database.
     */
    @Test
    void case15_facebookPictureUrlCarryingTheTokenIsNeverStored() {
        FakeFacebook facebook = closeLater(new FakeFacebook(clock));
        FakeFacebook.TestUser alice = facebook.addUser("10001", "Alice Smith", "alice@example.com");
        Suite.H2 h2 = new Suite.H2(data);
        AuthService engine = engine(EngineHarness.builder().store(h2.store("test-app")).enable(ProviderTypes.FACEBOOK,
                Map.of("appId", facebook.appId(), "appSecret", facebook.appSecret(), "graphApiBase", facebook.graphApiBase(),
                        "timeout", "PT2S")));
        for (FakeFacebook.PictureUrls style : List.of(FakeFacebook.PictureUrls.ACCESS_TOKEN_PARAMETER,
                FakeFacebook.PictureUrls.TOKEN_IN_OTHER_PARAMETER)) {
            facebook.pictureUrls(style);
            String token = facebook.issueToken(alice);
            Session session = engine.logIn(Credentials.facebook(token));
            assertThat(session.user().profile().pictureUrl()).as(style.name()).isNull();
            assertThat(session.user().profile().name()).isEqualTo("Alice Smith");
            assertThat(String.valueOf(engine.findUser(session.user().id()).orElseThrow())).doesNotContain(token);
            h2.assertNotStored("the Facebook token (" + style + ")", token);
        }
        facebook.pictureUrls(FakeFacebook.PictureUrls.CLEAN);
        assertThat(engine.logIn(Credentials.facebook(facebook.issueToken(alice))).user().profile().pictureUrl())
                .as("a clean picture URL is kept").isNotNull();
        h2.close();
    }

    // ---- 16 ----------------------------------------------------------------------------------

    /**
     * SECURITY.md #16: "API key of the right shape but wrong value → rejected in constant time; keys
     * are stored only as hashes; a disabled or deleted key → rejected."
     * ASVS 5.0 V6 (authenticator secrets stored hashed, compared in constant time) and V11.
     * "Constant time" is asserted structurally: a key with a known id and a wrong secret gets
     * exactly the code and message of a key whose id is unknown (the provider compares against a
     * dummy hash then); the timing itself is the benchmark's to measure.
     */
    @Test
    void case16_apiKeysWrongDisabledOrDeletedAreRejectedAndStoredHashed() {
        Suite.H2 h2 = new Suite.H2(data);
        AuthService engine = engine(EngineHarness.builder().store(h2.store("test-app"))
                .enable(ProviderTypes.API_KEY));
        ApiKey key = engine.createServerApiKey("suite-key");
        String owner = engine.findUserByIdentity(ProviderTypes.API_KEY, key.id()).orElseThrow().id();
        assertThat(engine.logIn(Credentials.apiKey(key.value())).user().id()).isEqualTo(owner);

        AuthException wrongSecret = refused(ErrorCode.INVALID_CREDENTIALS,
                () -> engine.logIn(Credentials.apiKey(key.id() + "A".repeat(key.value().length() - key.id().length()))));
        AuthException unknownId = refused(ErrorCode.INVALID_CREDENTIALS, () -> engine.logIn(Credentials.apiKey("B".repeat(key.value().length()))));
        assertThat(wrongSecret.getMessage()).isEqualTo(unknownId.getMessage());
        assertThat(wrongSecret.getMessage()).doesNotContain(key.id());

        h2.assertNotStored("the API key", key.value());
        h2.assertNotStored("the API key's secret part", key.value().substring(key.id().length()));

        engine.apiKeys(owner).disable(key.id());
        refused(ErrorCode.INVALID_CREDENTIALS, () -> engine.logIn(Credentials.apiKey(key.value())));
        engine.apiKeys(owner).enable(key.id());
        assertThat(engine.logIn(Credentials.apiKey(key.value())).user().id()).isEqualTo(owner);
        engine.apiKeys(owner).delete(key.id());
        refused(ErrorCode.INVALID_CREDENTIALS, () -> engine.logIn(Credentials.apiKey(key.value())));
        h2.close();
    }

    // ---- 17 ----------------------------------------------------------------------------------

    /**
     * SECURITY.md #17: "A custom function that throws, returns null, returns a blank id, or times out
     * → rejected, with the function's message but no stack trace."
     * ASVS 5.0 V6 (authentication fails closed) and V16 (errors without internals).
     * In process (a registered {@link AuthFunction}) and as a webhook ({@link FakeFunctionEndpoint})
     * that stalls.
     */
    @Test
    void case17_customFunctionFailuresAreRejectedWithTheirMessageButNoStackTrace() {
        AuthService throwing = function(payload -> refuseDeepInsideTheFunction("account locked by the admin"));
        AuthException thrown = refused(ErrorCode.INVALID_CREDENTIALS, () -> throwing.logIn(CALEB));
        assertThat(thrown.getMessage()).contains("account locked by the admin")
                .doesNotContain("IllegalStateException", "\n", "refuseDeepInsideTheFunction", "the cause");
        assertThat(thrown.getCause()).isNull();
        assertThat(thrown.getSuppressed()).isEmpty();
        assertThat(Arrays.stream(thrown.getStackTrace()).map(StackTraceElement::getMethodName))
                .doesNotContain("refuseDeepInsideTheFunction");
        noUsers(throwing);

        refused(ErrorCode.INVALID_CREDENTIALS, () -> function(payload -> null).logIn(CALEB));
        for (String blank : Arrays.asList("", "   ", "\t", null)) {
            refused(ErrorCode.INVALID_CREDENTIALS, () -> function(payload -> FunctionIdentity.of(blank)).logIn(CALEB));
        }
        AuthService hanging = closeLater(EngineHarness.builder().clock(clock).throttle(Map.of("enabled", false))
                .enable(ProviderTypes.CUSTOM_FUNCTION, Map.of("timeout", "PT0.3S")).service(AuthFunction.class, payload -> {
                    Thread.sleep(60_000);
                    return FunctionIdentity.of("too-late");
                }).build()).start().service();
        AuthException timedOut = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> refused(ErrorCode.INVALID_CREDENTIALS, () -> hanging.logIn(CALEB)));
        assertThat(timedOut.getMessage()).contains("PT0.3S");

        FakeFunctionEndpoint webhook = closeLater(new FakeFunctionEndpoint(clock)).answerId("user-caleb");
        AuthService remote = closeLater(EngineHarness.builder().clock(clock).throttle(Map.of("enabled", false))
                .enable(ProviderTypes.CUSTOM_FUNCTION, Map.of("webhookUrl", webhook.url(), "webhookSecret", webhook.secret(),
                        "timeout", "PT0.5S")).build()).start().service();
        assertThat(remote.logIn(CALEB).user().identities().get(0).subject()).isEqualTo("user-caleb");
        webhook.failWith(Failure.STALL);
        AuthException stalled = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> refused(ErrorCode.INVALID_CREDENTIALS, () -> remote.logIn(CALEB)));
        assertThat(stalled.getMessage()).contains("PT0.5S").doesNotContain(webhook.secret());
    }

    private AuthService function(AuthFunction function) {
        return closeLater(EngineHarness.builder().clock(clock).throttle(Map.of("enabled", false))
                .enable(ProviderTypes.CUSTOM_FUNCTION).service(AuthFunction.class, function).build()).start().service();
    }

    /** A named frame, so the test can look for it in the refusal's stack trace. */
    private static FunctionIdentity refuseDeepInsideTheFunction(String message) {
        throw new IllegalStateException(message, new IOException("the cause, which must not travel"));
    }
}
