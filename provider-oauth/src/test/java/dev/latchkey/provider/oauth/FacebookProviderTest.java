package dev.latchkey.provider.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.Profile;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.Session;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.TestClock;
import dev.latchkey.testkit.fake.BackendRequest;
import dev.latchkey.testkit.fake.Failure;
import dev.latchkey.testkit.fake.FakeFacebook;
import dev.latchkey.testkit.fake.FakeFacebook.Endpoint;
import dev.latchkey.testkit.fake.FakeFacebook.PictureUrls;
import dev.latchkey.testkit.fake.FakeFacebook.TestUser;
import dev.latchkey.testkit.log.LogCapture;
import dev.latchkey.testkit.log.SecretScan;
import dev.latchkey.testkit.log.SecretScan.Secret;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code oauth2-facebook} against {@link FakeFacebook}: issue 5, SECURITY.md #14, #15 and #30. */
class FacebookProviderTest {
    private final TestClock clock = new TestClock();
    private final FakeFacebook facebook = new FakeFacebook(clock);
    private final List<EngineHarness> engines = new ArrayList<>();
    private final TestUser alice = facebook.addUser(new TestUser("10001", "Alice Smith", "Alice", "Smith", "alice@example.com",
            "female", "02/29/2000", 21, null));

    @AfterEach
    void close() {
        engines.forEach(EngineHarness::close);
        facebook.close();
    }

    private FacebookProvider started(Map<String, Object> overrides) {
        return started(overrides, clock);
    }

    private FacebookProvider started(Map<String, Object> overrides, TestClock engineClock) {
        Map<String, Object> settings = new HashMap<>(Map.of("appId", facebook.appId(), "appSecret", facebook.appSecret(),
                "graphApiBase", facebook.graphApiBase(), "timeout", "PT2S"));
        settings.putAll(overrides);
        FacebookProvider provider = new FacebookProvider();
        EngineHarness engine = EngineHarness.builder().provider(provider).enable(ProviderTypes.FACEBOOK, settings)
                .clock(engineClock).build();
        engines.add(engine);
        engine.start();
        return provider;
    }

    private FacebookProvider started() {
        return started(Map.of());
    }

    private static AuthException rejected(FacebookProvider provider, Credentials credentials) {
        return catchThrowableOfType(AuthException.class, () -> provider.authenticate(credentials));
    }

    // ------------------------------------------------------------------------------------------
    // A good log-in
    // ------------------------------------------------------------------------------------------

    @Test
    void aValidUserTokenProvesTheUserWithTheDefaultProfile() {
        Identity identity = started().authenticate(Credentials.facebook(facebook.issueToken(alice)));

        assertThat(identity.providerType()).isEqualTo(ProviderTypes.FACEBOOK);
        assertThat(identity.subject()).isEqualTo("10001");
        Profile p = identity.profile();
        assertThat(p.name()).isEqualTo("Alice Smith");
        assertThat(p.firstName()).isEqualTo("Alice");
        assertThat(p.lastName()).isEqualTo("Smith");
        assertThat(p.email()).isEqualTo("alice@example.com");
        assertThat(p.pictureUrl()).startsWith("https://platform-lookaside.fbsbx.com/");
        // Not among the default metadata fields:
        assertThat(p.gender()).isNull();
        assertThat(p.birthday()).isNull();
        assertThat(p.minAge()).isNull();
    }

    @Test
    void everyAllowedMetadataFieldIsMappedIncludingTheAgeRange() {
        FacebookProvider provider = started(Map.of("metadataFields",
                List.of("name", "first_name", "last_name", "email", "picture", "gender", "birthday", "age_range")));
        TestUser carol = facebook.addUser(new TestUser("10009", "Carol Teen", "Carol", "Teen", "carol@example.com", "female",
                "01/01/2010", 13, 17));

        Profile alices = provider.authenticate(Credentials.facebook(facebook.issueToken(alice))).profile();
        Profile carols = provider.authenticate(Credentials.facebook(facebook.issueToken(carol))).profile();

        assertThat(alices.gender()).isEqualTo("female");
        assertThat(alices.birthday()).isEqualTo("02/29/2000");
        assertThat(alices.minAge()).isEqualTo(21);
        assertThat(alices.maxAge()).isNull();
        assertThat(carols.minAge()).isEqualTo(13);
        assertThat(carols.maxAge()).isEqualTo(17);
        assertThat(carols.name()).isEqualTo("Carol Teen");
    }

    @Test
    void onlyTheConfiguredFieldsAreAskedFor() {
        FacebookProvider provider = started(Map.of("metadataFields", List.of("name")));

        Profile p = provider.authenticate(Credentials.facebook(facebook.issueToken(alice))).profile();

        assertThat(facebook.requests(Endpoint.ME)).singleElement()
                .satisfies(r -> assertThat(r.queryParameter("fields")).contains("id,name"));
        assertThat(p.name()).isEqualTo("Alice Smith");
        assertThat(p.email()).isNull();
        assertThat(p.pictureUrl()).isNull();
    }

    @Test
    void theUserTokenTravelsInAHeaderNeverInTheMeUrlAndWithAnAppSecretProof() {
        String token = facebook.issueToken(alice);

        started().authenticate(Credentials.facebook(token));

        BackendRequest me = facebook.requests(Endpoint.ME).get(0);
        assertThat(me.query()).doesNotContainKey("access_token");
        assertThat(me.query().values()).noneMatch(v -> v.contains(token));
        assertThat(me.header("Authorization")).contains("Bearer " + token);
        assertThat(me.queryParameter("appsecret_proof")).contains(facebook.appSecretProof(token));
        assertThat(me.query().values()).noneMatch(v -> v.contains(facebook.appSecret()));
        // debug_token takes the user token as input_token, as Meta documents it.
        BackendRequest debug = facebook.requests(Endpoint.DEBUG_TOKEN).get(0);
        assertThat(debug.queryParameter("input_token")).contains(token);
        assertThat(debug.queryParameter("access_token")).contains(facebook.appId() + "|" + facebook.appSecret());
    }

    // ------------------------------------------------------------------------------------------
    // SECURITY.md #14: debug_token must vouch for the token
    // ------------------------------------------------------------------------------------------

    @Test
    void aTokenIssuedToAnotherAppIsRejected() {
        AuthException e = rejected(started(), Credentials.facebook(facebook.issueTokenForOtherApp(alice)));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(e.getMessage()).contains("another app");
        assertThat(facebook.requests(Endpoint.ME)).isEmpty();
    }

    @Test
    void aTokenFacebookSaysIsNotValidIsRejected() {
        String token = facebook.issueToken(alice);
        facebook.invalidate(token);

        AuthException e = rejected(started(), Credentials.facebook(token));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(facebook.requests(Endpoint.ME)).isEmpty();
    }

    @Test
    void anUnknownTokenIsRejected() {
        AuthException e = rejected(started(), Credentials.facebook("EAAnotATokenFacebookIssued"));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void anExpiredTokenIsRejected() {
        String token = facebook.issueToken(alice);
        facebook.expire(token);

        assertThat(rejected(started(), Credentials.facebook(token)).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void aTokenPastItsExpiresAtByOurClockIsRejectedEvenWhenFacebookStillSaysValid() {
        TestClock engineClock = new TestClock();
        FacebookProvider provider = started(Map.of(), engineClock);
        String token = facebook.issueToken(alice);
        engineClock.advance(FakeFacebook.TOKEN_LIFETIME.plusSeconds(1));

        AuthException e = rejected(provider, Credentials.facebook(token));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(e.getMessage()).contains("expired");
    }

    @Test
    void aTokenThatNeverExpiresIsNotAUserLogInAndIsRejected() {
        String token = facebook.issueToken(alice);
        facebook.neverExpire(token);

        AuthException e = rejected(started(), Credentials.facebook(token));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(e.getMessage()).contains("no expiry");
    }

    @Test
    void meAnsweringForAnotherUserThanDebugTokenNamedIsRejected() {
        String token = facebook.issueToken(alice);
        facebook.meAnswersAs(facebook.addUser("10002", "Bob Jones", "bob@example.com"));

        AuthException e = rejected(started(), Credentials.facebook(token));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
    }

    // ------------------------------------------------------------------------------------------
    // SECURITY.md #15: a picture URL that carries the token is never stored
    // ------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"ACCESS_TOKEN_PARAMETER", "TOKEN_IN_OTHER_PARAMETER"})
    void aPictureUrlCarryingTheTokenIsDroppedAndNeverStored(String style) {
        FacebookProvider provider = started();
        facebook.pictureUrls(PictureUrls.valueOf(style));
        String token = facebook.issueToken(alice);

        Identity identity = provider.authenticate(Credentials.facebook(token));
        Session session = engines.get(0).service().logIn(Credentials.facebook(token));

        assertThat(identity.profile().pictureUrl()).isNull();
        assertThat(identity.profile().name()).isEqualTo("Alice Smith");
        assertThat(String.valueOf(session.user().profile())).doesNotContain(token);
        assertThat(session.user().profile().pictureUrl()).isNull();
    }

    @Test
    void aPictureUrlWithoutTheTokenIsKept() {
        String token = facebook.issueToken(alice);

        started();
        Session session = engines.get(0).service().logIn(Credentials.facebook(token));

        assertThat(session.user().profile().pictureUrl()).startsWith("https://platform-lookaside.fbsbx.com/platform/profilepic/")
                .doesNotContain(token);
    }

    @Test
    void pictureUrlCheckRefusesEveryPlaceTheTokenCanHide() {
        String t = "EAAsecretToken123";
        String s = "appsecret0123";
        assertThat(FacebookProvider.safePictureUrl("https://cdn.example/p.jpg?Access_Token=x", t, s)).isNull();
        assertThat(FacebookProvider.safePictureUrl("https://cdn.example/p.jpg?x=" + t, t, s)).isNull();
        assertThat(FacebookProvider.safePictureUrl("https://cdn.example/" + t + "/p.jpg", t, s)).isNull();
        assertThat(FacebookProvider.safePictureUrl("https://cdn.example/p.jpg#" + t, t, s)).isNull();
        assertThat(FacebookProvider.safePictureUrl("https://cdn.example/p.jpg?x=" + s, t, s)).isNull();
        assertThat(FacebookProvider.safePictureUrl("javascript:alert(1)", t, s)).isNull();
        assertThat(FacebookProvider.safePictureUrl("https://cdn.example/p.jpg?asid=1", t, s))
                .isEqualTo("https://cdn.example/p.jpg?asid=1");
    }

    // ------------------------------------------------------------------------------------------
    // Graph API errors
    // ------------------------------------------------------------------------------------------

    @Test
    void aRefusedAppTokenIsABackendProblemNotTheUsers() {
        FacebookProvider provider = started(Map.of("appSecret", "0123456789abcdef0123456789abcdef"));

        AuthException e = rejected(provider, Credentials.facebook(facebook.issueToken(alice)));

        assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_BACKEND);
        assertThat(e.getMessage()).contains("appSecret").doesNotContain("0123456789abcdef0123456789abcdef");
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 17, 32, 613})
    void graphRateLimitsOnDebugTokenAreRateLimited(int code) {
        FacebookProvider provider = started();
        facebook.graphError(Endpoint.DEBUG_TOKEN, 400, code);

        AuthException e = rejected(provider, Credentials.facebook(facebook.issueToken(alice)));

        assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(e.retryAfter()).isPresent();
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 17, 32, 613})
    void graphRateLimitsOnMeAreRateLimited(int code) {
        FacebookProvider provider = started();
        facebook.graphError(Endpoint.ME, 403, code);

        assertThat(rejected(provider, Credentials.facebook(facebook.issueToken(alice))).code()).isEqualTo(ErrorCode.RATE_LIMITED);
    }

    @Test
    void aTokenMeRefusesIsInvalidCredentials() {
        FacebookProvider provider = started();
        facebook.graphError(Endpoint.ME, 400, 190);

        assertThat(rejected(provider, Credentials.facebook(facebook.issueToken(alice))).code())
                .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void anyOtherGraphErrorIsAProviderBackendError() {
        FacebookProvider provider = started();
        facebook.graphError(Endpoint.ME, 400, 100);

        AuthException e = rejected(provider, Credentials.facebook(facebook.issueToken(alice)));

        assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_BACKEND);
        assertThat(e.getMessage()).contains("100");
    }

    // ------------------------------------------------------------------------------------------
    // Credentials shape
    // ------------------------------------------------------------------------------------------

    @Test
    void credentialsMustBeExactlyOnePrintableAccessTokenOfTheRightType() {
        FacebookProvider provider = started();
        String token = facebook.issueToken(alice);
        List<Credentials> bad = List.of(
                Credentials.of(ProviderTypes.GOOGLE, Map.of("accessToken", token)),
                Credentials.of(ProviderTypes.FACEBOOK, Map.of()),
                Credentials.of(ProviderTypes.FACEBOOK, Map.of("accessToken", token, "userId", "10001")),
                Credentials.of(ProviderTypes.FACEBOOK, Map.of("token", token)),
                Credentials.of(ProviderTypes.FACEBOOK, Map.of("accessToken", 42)),
                Credentials.facebook(""),
                Credentials.facebook("x".repeat(FacebookProvider.MAX_TOKEN_LENGTH + 1)),
                Credentials.facebook(token + " "),
                Credentials.facebook(token + "\u00e9"));

        for (Credentials c : bad) {
            assertThat(rejected(provider, c).code()).as(c.toString()).isEqualTo(ErrorCode.MALFORMED);
        }
        assertThat(facebook.requestCount()).isZero();
        assertThat(provider.authenticate(Credentials.facebook(token)).subject()).isEqualTo("10001");
    }

    @Test
    void aTokenOfTheLongestAllowedLengthIsCheckedWithFacebook() {
        AuthException e = rejected(started(), Credentials.facebook("E".repeat(FacebookProvider.MAX_TOKEN_LENGTH)));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
    }

    // ------------------------------------------------------------------------------------------
    // Settings
    // ------------------------------------------------------------------------------------------

    @Nested
    class Settings {
        private static final String SECRET = "s3cr3t-app-secret-value";

        private FacebookSettings settings(String appId, String appSecret, String base, String version, List<String> fields,
                                          Duration timeout) {
            return new FacebookSettings(appId, appSecret, base, version, fields, timeout);
        }

        @Test
        void defaultsAreFilled() {
            FacebookSettings s = settings("123", SECRET, null, null, null, null);

            assertThat(s.graphApiBase()).isEqualTo("https://graph.facebook.com");
            assertThat(s.graphApiVersion()).isEqualTo("v21.0");
            assertThat(s.metadataFields()).containsExactly("name", "first_name", "last_name", "email", "picture");
            assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(10));
            assertThat(s.endpoint("debug_token").toString()).isEqualTo("https://graph.facebook.com/v21.0/debug_token");
        }

        @Test
        void toStringNeverShowsTheAppSecret() {
            assertThat(settings("123", SECRET, null, null, null, null).toString()).doesNotContain(SECRET).contains("123");
        }

        @Test
        void eachBadSettingIsRefusedByNameWithoutItsValue() {
            Map<String, Runnable> cases = Map.of(
                    "appId", () -> settings(null, SECRET, null, null, null, null),
                    "appId ", () -> settings("my-app-" + SECRET, SECRET, null, null, null, null),
                    "appSecret", () -> settings("123", null, null, null, null, null),
                    "appSecret ", () -> settings("123", SECRET + " with space", null, null, null, null),
                    "graphApiBase", () -> settings("123", SECRET, "http://graph.example.com/" + SECRET, null, null, null),
                    "graphApiBase ", () -> settings("123", SECRET, "not a url " + SECRET, null, null, null),
                    "graphApiVersion", () -> settings("123", SECRET, null, "21" + SECRET, null, null),
                    "metadataFields", () -> settings("123", SECRET, null, null, List.of("name", "friends" + SECRET), null),
                    "timeout", () -> settings("123", SECRET, null, null, null, Duration.ofSeconds(31)),
                    "timeout ", () -> settings("123", SECRET, null, null, null, Duration.ZERO));
            cases.forEach((setting, make) -> assertThatThrownBy(make::run).as(setting)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(setting.strip())
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET)));
        }

        @Test
        void metadataFieldsMayBeEmptyAndDuplicatesCollapse() {
            assertThat(settings("123", SECRET, null, null, List.of(), null).metadataFields()).isEmpty();
            assertThat(settings("123", SECRET, null, null, List.of("email", "email"), null).metadataFields()).containsExactly("email");
        }

        @Test
        void httpIsAllowedOnlyToThisMachine() {
            assertThat(settings("123", SECRET, "http://127.0.0.1:8080/", null, null, null).graphApiBase())
                    .isEqualTo("http://127.0.0.1:8080");
            assertThat(settings("123", SECRET, "https://graph-proxy.example/fb", null, null, null).endpoint("me").toString())
                    .isEqualTo("https://graph-proxy.example/fb/v21.0/me");
        }

        @Test
        void theEngineRefusesToStartWithBadSettingsNamingTheSettingNotTheSecret() {
            FacebookProvider provider = new FacebookProvider();
            EngineHarness engine = EngineHarness.builder().provider(provider).enable(ProviderTypes.FACEBOOK,
                    Map.of("appId", "123", "appSecret", SECRET, "timeout", "PT1M")).build();
            engines.add(engine);

            AuthException e = catchThrowableOfType(AuthException.class, engine::start);

            assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION);
            assertThat(e.getMessage()).contains("providers.oauth2-facebook").contains("timeout").doesNotContain(SECRET);
        }
    }

    // ------------------------------------------------------------------------------------------
    // SECURITY.md #30
    // ------------------------------------------------------------------------------------------

    @Test
    @ResourceLock(Resources.SYSTEM_OUT)
    @ResourceLock(Resources.SYSTEM_ERR)
    @ResourceLock(LogCapture.RESOURCE_LOCK)
    void noTokenNorTheAppSecretReachesAMessageOrALog() {
        FacebookProvider provider = started();
        String good = facebook.issueToken(alice);
        String otherApp = facebook.issueTokenForOtherApp(alice);
        String expired = facebook.issueToken(alice);
        facebook.expire(expired);
        List<Secret> secrets = List.of(new Secret("a user token", good), new Secret("another app's token", otherApp),
                new Secret("an expired token", expired), new Secret("the app secret", facebook.appSecret()),
                new Secret("the app token", facebook.appId() + "|" + facebook.appSecret()));
        List<String> messages = new ArrayList<>();
        List<LogCapture.Entry> logs;
        try (LogCapture capture = LogCapture.startIgnoring(List.of("mockwebserver3", "okhttp3.mockwebserver"))) {
            provider.authenticate(Credentials.facebook(good));
            engines.get(0).service().logIn(Credentials.facebook(good));
            for (String t : List.of(otherApp, expired, good + "x")) {
                messages.add(String.valueOf(rejected(provider, Credentials.facebook(t))));
            }
            facebook.graphError(Endpoint.ME, 400, 190);
            messages.add(String.valueOf(rejected(provider, Credentials.facebook(good))));
            facebook.graphError(Endpoint.DEBUG_TOKEN, 400, 4);
            messages.add(String.valueOf(rejected(provider, Credentials.facebook(good))));
            facebook.reset();
            facebook.failWith(Failure.GARBAGE);
            messages.add(String.valueOf(rejected(provider, Credentials.facebook(good))));
            facebook.reset();
            logs = capture.entries();
        }
        FacebookProvider wrongSecret = started(Map.of("appSecret", "ffffffffffffffffffffffffffffffff"));
        messages.add(String.valueOf(rejected(wrongSecret, Credentials.facebook(good))));

        for (String m : messages) {
            assertThat(SecretScan.find("a message", m, secrets)).as(m).isEmpty();
            assertThat(m).doesNotContain("ffffffffffffffffffffffffffffffff");
        }
        assertThat(SecretScan.find(logs, secrets)).isEmpty();
    }

    @Test
    void hostileDebugTokenAnswersAreRefusedNeverACrash() {
        long future = clock.instant().plusSeconds(3600).getEpochSecond();
        List<Map<String, Object>> hostile = List.of(
                Map.of("is_valid", true, "app_id", facebook.appId(), "type", "USER", "user_id", "10001", "expires_at", 9_000_000_000_000_000_000L),
                Map.of("is_valid", true, "app_id", facebook.appId(), "type", "USER", "user_id", "10001", "expires_at", -9_000_000_000_000_000_000L),
                Map.of("is_valid", true, "app_id", facebook.appId(), "type", "USER", "user_id", "10001", "expires_at", future,
                        "data_access_expires_at", Long.MAX_VALUE),
                Map.of("is_valid", true, "app_id", facebook.appId(), "user_id", "10001", "expires_at", future),
                Map.of("is_valid", true, "app_id", facebook.appId(), "type", "PAGE", "user_id", "10001", "expires_at", future));
        for (Map<String, Object> data : hostile) {
            dev.latchkey.testkit.fake.JsonEndpointBackend graph = new dev.latchkey.testkit.fake.JsonEndpointBackend()
                    .route("/" + facebook.graphApiVersion() + "/debug_token", r -> dev.latchkey.testkit.fake.JsonReply.ok(Map.of("data", data)));
            try (graph) {
                String root = graph.url("/");
                FacebookProvider provider = started(Map.of("graphApiBase", root.substring(0, root.length() - 1)));
                AuthException e = rejected(provider, Credentials.facebook("EAAB" + "x".repeat(40)));
                assertThat(e).as(data.toString()).isNotNull();
                assertThat(e.code()).as(data.toString()).isIn(ErrorCode.INVALID_CREDENTIALS, ErrorCode.PROVIDER_BACKEND);
            }
        }
    }
}
