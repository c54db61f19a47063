package dev.latchkey.provider.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.GoogleCredentialType;
import dev.latchkey.api.Identity;
import dev.latchkey.api.Profile;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.TestClock;
import dev.latchkey.testkit.fake.BackendRequest;
import dev.latchkey.testkit.fake.FakeGoogle;
import dev.latchkey.testkit.fake.JsonReply;
import dev.latchkey.testkit.log.LogCapture;
import dev.latchkey.testkit.log.SecretScan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/** The {@code oauth2-google} provider against {@link FakeGoogle}, rule by rule of issue 5. */
class GoogleProviderTest {
    static final String WEB_CLIENT = "1234-web.apps.googleusercontent.com";
    static final String ANDROID_CLIENT = "1234-android.apps.googleusercontent.com";
    static final String OTHER_APP = "9999-other-app.apps.googleusercontent.com";
    static final String SECRET = "GOCSPX-unit-test-client-secret-value";

    private final TestClock clock = new TestClock();
    private final FakeGoogle google = new FakeGoogle(clock).client(WEB_CLIENT, SECRET, "postmessage");
    private final FakeGoogle.Account alice = google.addAccount("110169484474386276334", "alice@example.com", true, "Alice Liddell");
    private final FakeGoogle.Account bob = google.addAccount("104783920918273645102", "bob@example.com", false, "Bob Builder");
    private final FakeGoogle.Account carol = google.addAccount(new FakeGoogle.Account("108000000000000000001",
            "carol@corp.example.com", true, "Carol Corp", "Carol", "Corp", null, "corp.example.com"));
    private final List<EngineHarness> engines = new ArrayList<>();

    @AfterEach
    void close() {
        engines.forEach(EngineHarness::close);
        google.close();
    }

    private Map<String, Object> baseSettings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("clientId", WEB_CLIENT);
        s.put("clientSecret", SECRET);
        s.put("tokenEndpoint", google.tokenEndpoint());
        s.put("jwksUri", google.jwksUri());
        s.put("userinfoEndpoint", google.userinfoEndpoint());
        s.put("timeout", "PT2S");
        return s;
    }

    private GoogleProvider provider(Map<String, Object> settings) {
        GoogleProvider provider = new GoogleProvider();
        EngineHarness engine = EngineHarness.builder().clock(clock).provider(provider).enable(ProviderTypes.GOOGLE, settings).build();
        engines.add(engine);
        engine.start();
        return provider;
    }

    private GoogleProvider provider() {
        return provider(baseSettings());
    }

    private GoogleProvider providerWith(String key, Object value) {
        Map<String, Object> s = baseSettings();
        if (value == null) {
            s.remove(key);
        } else {
            s.put(key, value);
        }
        return provider(s);
    }

    private static Credentials idToken(String token) {
        return Credentials.google(token, GoogleCredentialType.ID_TOKEN);
    }

    private static Credentials authCode(String code) {
        return Credentials.google(code, GoogleCredentialType.AUTH_CODE);
    }

    private static AuthException rejected(GoogleProvider provider, Credentials credentials, ErrorCode code) {
        AuthException e = catchThrowableOfType(AuthException.class, () -> provider.authenticate(credentials));
        assertThat(e).as("authenticate must fail with an AuthException").isNotNull();
        assertThat(e.code()).as("code of: " + e.getMessage()).isEqualTo(code);
        return e;
    }

    @Nested
    class IdTokens {
        @Test
        void aValidTokenProvesTheAccountsSub() {
            Identity identity = provider().authenticate(idToken(google.issueIdToken(alice, WEB_CLIENT)));

            assertThat(identity.providerType()).isEqualTo("oauth2-google");
            assertThat(identity.subject()).isEqualTo(alice.sub());
        }

        @Test
        void bothSpellingsOfGooglesIssuerAreAccepted() {
            GoogleProvider provider = provider();

            assertThat(provider.authenticate(idToken(google.issueIdTokenFromIssuer(alice, WEB_CLIENT, "accounts.google.com")))
                    .subject()).isEqualTo(alice.sub());
            assertThat(provider.authenticate(idToken(google.issueIdTokenFromIssuer(alice, WEB_CLIENT, "https://accounts.google.com")))
                    .subject()).isEqualTo(alice.sub());
        }

        @Test
        void anotherIssuerIsRejected() {
            GoogleProvider provider = provider();
            for (String issuer : List.of("https://evil.example.com", "http://accounts.google.com", "accounts.google.com.evil.com",
                    "https://appleid.apple.com")) {
                rejected(provider, idToken(google.issueIdTokenFromIssuer(alice, WEB_CLIENT, issuer)), ErrorCode.INVALID_CREDENTIALS);
            }
        }

        @Test
        void aTokenIssuedToAnotherClientIdIsRejected() {
            AuthException e = rejected(provider(), idToken(google.issueIdToken(alice, OTHER_APP)), ErrorCode.INVALID_CREDENTIALS);

            assertThat(e.getMessage()).contains("another client id");
        }

        @Test
        void aTokenOfAnAdditionalClientIdIsAccepted() {
            GoogleProvider provider = providerWith("additionalClientIds", List.of(ANDROID_CLIENT));

            assertThat(provider.authenticate(idToken(google.issueIdToken(alice, ANDROID_CLIENT))).subject()).isEqualTo(alice.sub());
            rejected(provider, idToken(google.issueIdToken(alice, OTHER_APP)), ErrorCode.INVALID_CREDENTIALS);
        }

        @Test
        void anAndroidClientsTokenIsRejectedUnlessConfigured() {
            rejected(provider(), idToken(google.issueIdToken(alice, ANDROID_CLIENT)), ErrorCode.INVALID_CREDENTIALS);
        }

        @Test
        void aTokenForSeveralAudiencesIsRejectedEvenWhenOneIsOurs() {
            String token = google.sign(google.claimsFor(alice, WEB_CLIENT).audience(List.of(WEB_CLIENT, OTHER_APP)).build());

            rejected(provider(), idToken(token), ErrorCode.INVALID_CREDENTIALS);
        }

        @Test
        void anExpiredTokenIsRejectedBeyondTheSkewOnly() {
            GoogleProvider provider = provider();

            rejected(provider, idToken(google.issueExpiredIdToken(alice, WEB_CLIENT, Duration.ofSeconds(61))), ErrorCode.INVALID_CREDENTIALS);
            assertThat(provider.authenticate(idToken(google.issueExpiredIdToken(alice, WEB_CLIENT, Duration.ofSeconds(30)))).subject())
                    .isEqualTo(alice.sub());
        }

        @Test
        void aTokenExpiresWhenTheClockMoves() {
            GoogleProvider provider = provider();
            Credentials token = idToken(google.issueIdToken(alice, WEB_CLIENT));
            provider.authenticate(token);

            clock.advance(FakeGoogle.ID_TOKEN_LIFETIME.plusMinutes(2));

            rejected(provider, token, ErrorCode.INVALID_CREDENTIALS);
        }

        @Test
        void aTokenSignedWithAnUnpublishedKeyIsRejected() {
            rejected(provider(), idToken(google.issueIdTokenWithUnknownKey(alice, WEB_CLIENT)), ErrorCode.INVALID_CREDENTIALS);
        }

        @Test
        void aFloodOfUnknownKeysCostsOneRefetch() {
            GoogleProvider provider = provider();
            provider.authenticate(idToken(google.issueIdToken(alice, WEB_CLIENT)));
            long before = google.requestsTo(FakeGoogle.JWKS_PATH);
            clock.advance(Duration.ofSeconds(31));

            for (int i = 0; i < 20; i++) {
                rejected(provider, idToken(google.issueIdTokenWithUnknownKey(alice, WEB_CLIENT)), ErrorCode.INVALID_CREDENTIALS);
            }

            assertThat(google.requestsTo(FakeGoogle.JWKS_PATH) - before).isEqualTo(1);
        }

        @Test
        void rotatedKeysAreFetchedWhenATokenNamesANewKey() {
            GoogleProvider provider = provider();
            provider.authenticate(idToken(google.issueIdToken(alice, WEB_CLIENT)));

            google.rotateKeys();
            google.retireOldKeys();
            clock.advance(Duration.ofSeconds(31));

            assertThat(provider.authenticate(idToken(google.issueIdToken(bob, WEB_CLIENT))).subject()).isEqualTo(bob.sub());
            assertThat(google.requestsTo(FakeGoogle.JWKS_PATH)).isEqualTo(2);
        }

        @Test
        void anHs256TokenKeyedWithThePublicKeyIsRejected() throws Exception {
            com.nimbusds.jose.JWSHeader header = new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.HS256)
                    .keyID(google.keys().currentKid()).build();
            com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(header, google.claimsFor(alice, WEB_CLIENT).build());
            byte[] publicBytes = google.keys().currentKey().toPublicJWK().toRSAPublicKey().getEncoded();
            jwt.sign(new com.nimbusds.jose.crypto.MACSigner(java.util.Arrays.copyOf(publicBytes, Math.max(64, publicBytes.length))));

            rejected(provider(), idToken(jwt.serialize()), ErrorCode.INVALID_CREDENTIALS);
        }
    }

    @Nested
    class HostedDomain {
        @Test
        void anAccountOfTheDomainIsAccepted() {
            GoogleProvider provider = providerWith("hostedDomain", "Corp.Example.com");

            assertThat(provider.authenticate(idToken(google.issueIdToken(carol, WEB_CLIENT))).subject()).isEqualTo(carol.sub());
        }

        @Test
        void aConsumerAccountIsRejected() {
            AuthException e = rejected(providerWith("hostedDomain", "corp.example.com"),
                    idToken(google.issueIdToken(alice, WEB_CLIENT)), ErrorCode.INVALID_CREDENTIALS);

            assertThat(e.getMessage()).contains("hosted domain");
        }

        @Test
        void anAccountOfAnotherDomainIsRejected() {
            String token = google.sign(google.claimsFor(carol, WEB_CLIENT).claim("hd", "corp.example.com.evil.com").build());

            rejected(providerWith("hostedDomain", "corp.example.com"), idToken(token), ErrorCode.INVALID_CREDENTIALS);
        }

        @Test
        void withoutTheSettingEveryDomainIsAccepted() {
            assertThat(provider().authenticate(idToken(google.issueIdToken(carol, WEB_CLIENT))).subject()).isEqualTo(carol.sub());
        }
    }

    @Nested
    class Profiles {
        @Test
        void theProfileComesFromTheTokensClaims() {
            Profile p = provider().authenticate(idToken(google.issueIdToken(alice, WEB_CLIENT))).profile();

            assertThat(p.name()).isEqualTo("Alice Liddell");
            assertThat(p.firstName()).isEqualTo("Alice");
            assertThat(p.lastName()).isEqualTo("Liddell");
            assertThat(p.pictureUrl()).isEqualTo(alice.picture());
            assertThat(p.email()).isEqualTo("alice@example.com");
        }

        @Test
        void anUnverifiedEmailIsLeftOut() {
            Profile p = provider().authenticate(idToken(google.issueIdToken(bob, WEB_CLIENT))).profile();

            assertThat(p.email()).isNull();
            assertThat(p.name()).isEqualTo("Bob Builder");
        }

        @Test
        void anEmailWithoutEmailVerifiedIsLeftOut() {
            String token = google.sign(google.claimsFor(alice, WEB_CLIENT).claim("email_verified", null).build());

            assertThat(provider().authenticate(idToken(token)).profile().email()).isNull();
        }

        @Test
        void theStringTrueOfOlderTokensCountsAsVerified() {
            String token = google.sign(google.claimsFor(alice, WEB_CLIENT).claim("email_verified", "true").build());

            assertThat(provider().authenticate(idToken(token)).profile().email()).isEqualTo("alice@example.com");
        }

        @Test
        void unstorableOrNonStringClaimsAreLeftOut() {
            String token = google.sign(google.claimsFor(alice, WEB_CLIENT).claim("name", "nul\u0000name")
                    .claim("given_name", 42).claim("picture", "x".repeat(5000)).build());

            Profile p = provider().authenticate(idToken(token)).profile();

            assertThat(p.name()).isNull();
            assertThat(p.firstName()).isNull();
            assertThat(p.pictureUrl()).isNull();
            assertThat(p.lastName()).isEqualTo("Liddell");
        }
    }

    @Nested
    class AuthCodes {
        @Test
        void aCodeIsExchangedWithTheClientCredentialsAndTheRedirectUri() {
            Identity identity = provider().authenticate(authCode(google.issueAuthCode(alice)));

            assertThat(identity.subject()).isEqualTo(alice.sub());
            assertThat(identity.profile().email()).isEqualTo("alice@example.com");
            BackendRequest exchange = google.requests().stream().filter(r -> r.path().equals(FakeGoogle.TOKEN_PATH)).findFirst().orElseThrow();
            assertThat(exchange.method()).isEqualTo("POST");
            assertThat(exchange.formBody()).containsEntry("client_id", WEB_CLIENT).containsEntry("client_secret", SECRET)
                    .containsEntry("redirect_uri", "postmessage").containsEntry("grant_type", "authorization_code")
                    .containsKey("code");
            assertThat(google.requestsTo(FakeGoogle.USERINFO_PATH)).isZero();
        }

        @Test
        void aCodeWorksOnce() {
            GoogleProvider provider = provider();
            Credentials code = authCode(google.issueAuthCode(alice));
            provider.authenticate(code);

            AuthException e = rejected(provider, code, ErrorCode.INVALID_CREDENTIALS);

            assertThat(e.getMessage()).contains("invalid_grant");
        }

        @Test
        void anUnknownCodeIsRejected() {
            rejected(provider(), authCode("4/0AfJohXmadeUpCode"), ErrorCode.INVALID_CREDENTIALS);
        }

        @Test
        void anExpiredCodeIsRejected() {
            Credentials code = authCode(google.issueAuthCode(alice));
            clock.advance(FakeGoogle.AUTH_CODE_LIFETIME.plusSeconds(1));

            rejected(provider(), code, ErrorCode.INVALID_CREDENTIALS);
        }

        @Test
        void aCodeIssuedToAnotherClientIsRejected() {
            rejected(provider(), authCode(google.issueAuthCode(alice, OTHER_APP)), ErrorCode.INVALID_CREDENTIALS);
        }

        @Test
        void aWrongClientSecretIsRejectedAndNamedWithoutItsValue() {
            AuthException e = rejected(providerWith("clientSecret", "GOCSPX-wrong-secret-value"),
                    authCode(google.issueAuthCode(alice)), ErrorCode.PROVIDER_BACKEND);

            assertThat(e.getMessage()).contains("invalid_client").contains("clientSecret").doesNotContain("GOCSPX");
        }

        @Test
        void aWrongRedirectUriIsRejected() {
            AuthException e = rejected(providerWith("redirectUri", "https://app.example.com/oauth/callback"),
                    authCode(google.issueAuthCode(alice)), ErrorCode.PROVIDER_BACKEND);

            assertThat(e.getMessage()).contains("redirect_uri_mismatch").contains("redirectUri");
        }

        @Test
        void theConfiguredRedirectUriIsSent() {
            FakeGoogle.Account dave = google.addAccount("100000000000000000777", "dave@example.com", true, "Dave");
            google.client("5678-web.apps.googleusercontent.com", SECRET, "https://app.example.com/oauth/callback");
            Map<String, Object> s = baseSettings();
            s.put("clientId", "5678-web.apps.googleusercontent.com");
            s.put("redirectUri", "https://app.example.com/oauth/callback");

            Identity identity = provider(s).authenticate(authCode(google.issueAuthCode(dave, "5678-web.apps.googleusercontent.com")));

            assertThat(identity.subject()).isEqualTo(dave.sub());
        }

        @Test
        void aCodeNeedsTheClientSecretWhileIdTokensDoNot() {
            GoogleProvider provider = providerWith("clientSecret", null);

            AuthException e = rejected(provider, authCode(google.issueAuthCode(alice)), ErrorCode.CONFIGURATION);
            assertThat(e.getMessage()).contains("clientSecret");
            assertThat(provider.authenticate(idToken(google.issueIdToken(alice, WEB_CLIENT))).subject()).isEqualTo(alice.sub());
            assertThat(google.requestsTo(FakeGoogle.TOKEN_PATH)).isZero();
        }

        @Test
        void anAnswerWithoutAnIdTokenIsRejected() {
            google.idTokensInTokenAnswer(false);

            AuthException e = rejected(provider(), authCode(google.issueAuthCode(alice)), ErrorCode.INVALID_CREDENTIALS);

            assertThat(e.getMessage()).contains("openid");
        }

        @Test
        void theReturnedIdTokenIsVerifiedLikeAnyOther() {
            google.route(FakeGoogle.TOKEN_PATH, request -> JsonReply.ok(Map.of("access_token", "ya29.x", "expires_in", 3599,
                    "token_type", "Bearer", "id_token", google.issueIdTokenFromIssuer(alice, WEB_CLIENT, "https://evil.example.com"))));

            rejected(provider(), authCode("4/0AfJohXanyCode"), ErrorCode.INVALID_CREDENTIALS);
        }

        @Test
        void theReturnedIdTokenMustBeForTheWebClient() {
            google.route(FakeGoogle.TOKEN_PATH, request -> JsonReply.ok(Map.of("access_token", "ya29.x", "expires_in", 3599,
                    "token_type", "Bearer", "id_token", google.issueIdToken(alice, ANDROID_CLIENT))));

            rejected(providerWith("additionalClientIds", List.of(ANDROID_CLIENT)), authCode("4/0AfJohXanyCode"),
                    ErrorCode.INVALID_CREDENTIALS);
        }

        @Test
        void aTokenEndpoint5xxIsAProviderBackendError() {
            google.route(FakeGoogle.TOKEN_PATH, request -> JsonReply.status(503, Map.of("error", "backend_error")));

            rejected(provider(), authCode(google.issueAuthCode(alice)), ErrorCode.PROVIDER_BACKEND);
        }

        @Test
        void anotherTokenEndpoint4xxIsAProviderBackendError() {
            google.route(FakeGoogle.TOKEN_PATH, request -> JsonReply.status(403, Map.of("error", "forbidden")));

            rejected(provider(), authCode(google.issueAuthCode(alice)), ErrorCode.PROVIDER_BACKEND);
        }
    }

    @Nested
    class WithoutOpenId {
        @Test
        void theProfileComesFromUserinfoWithTheAccessTokenAsBearer() {
            GoogleProvider provider = providerWith("openId", false);
            // Userinfo answers other values than the ID token holds: the profile must follow userinfo.
            List<String> bearer = new ArrayList<>();
            google.route(FakeGoogle.USERINFO_PATH, request -> {
                request.header("Authorization").ifPresent(bearer::add);
                return JsonReply.ok(Map.of("sub", alice.sub(), "name", "Alice L.", "given_name", "Al", "family_name", "L.",
                        "picture", "https://example.com/alice.png", "email", "alice@new.example.com", "email_verified", true));
            });

            Identity identity = provider.authenticate(authCode(google.issueAuthCode(alice)));

            assertThat(identity.subject()).isEqualTo(alice.sub());
            assertThat(identity.profile()).isEqualTo(Profile.builder().name("Alice L.").firstName("Al").lastName("L.")
                    .pictureUrl("https://example.com/alice.png").email("alice@new.example.com").build());
            BackendRequest userinfo = google.requests().stream().filter(r -> r.path().equals(FakeGoogle.USERINFO_PATH))
                    .findFirst().orElseThrow();
            assertThat(userinfo.method()).isEqualTo("GET");
            assertThat(userinfo.query()).isEmpty();
            assertThat(bearer).singleElement().satisfies(h -> assertThat(h).startsWith("Bearer ya29."));
        }

        @Test
        void theFakesUserinfoGivesTheSameProfileAsTheIdToken() {
            Profile viaUserinfo = providerWith("openId", false).authenticate(authCode(google.issueAuthCode(alice))).profile();
            Profile viaIdToken = provider().authenticate(authCode(google.issueAuthCode(alice))).profile();

            assertThat(viaUserinfo).isEqualTo(viaIdToken);
            assertThat(google.requestsTo(FakeGoogle.USERINFO_PATH)).isEqualTo(1);
        }

        @Test
        void anUnverifiedEmailFromUserinfoIsLeftOut() {
            assertThat(providerWith("openId", false).authenticate(authCode(google.issueAuthCode(bob))).profile().email()).isNull();
        }

        @Test
        void userinfoOfAnotherAccountIsRefused() {
            google.route(FakeGoogle.USERINFO_PATH, request -> JsonReply.ok(Map.of("sub", bob.sub(), "name", "Bob")));

            rejected(providerWith("openId", false), authCode(google.issueAuthCode(alice)), ErrorCode.PROVIDER_BACKEND);
        }

        @Test
        void aUserinfoErrorIsAProviderBackendError() {
            google.route(FakeGoogle.USERINFO_PATH, request -> JsonReply.status(401, Map.of("error", "invalid_token")));

            rejected(providerWith("openId", false), authCode(google.issueAuthCode(alice)), ErrorCode.PROVIDER_BACKEND);
        }

        @Test
        void idTokensSentDirectlyStillUseTheirClaims() {
            Identity identity = providerWith("openId", false).authenticate(idToken(google.issueIdToken(alice, WEB_CLIENT)));

            assertThat(identity.profile().name()).isEqualTo("Alice Liddell");
            assertThat(google.requestsTo(FakeGoogle.USERINFO_PATH)).isZero();
        }
    }

    @Nested
    class CredentialShapes {
        @Test
        void bothFieldsAreMalformed() {
            Credentials both = Credentials.of("oauth2-google", Map.of("authCode", "4/0Aabc", "id_token", google.issueIdToken(alice, WEB_CLIENT)));

            rejected(provider(), both, ErrorCode.MALFORMED);
        }

        @Test
        void neitherFieldIsMalformed() {
            rejected(provider(), Credentials.of("oauth2-google", Map.of("accessToken", "ya29.abc")), ErrorCode.MALFORMED);
        }

        @Test
        void aNonStringIsMalformed() {
            rejected(provider(), Credentials.of("oauth2-google", Map.of("authCode", 42)), ErrorCode.MALFORMED);
        }

        @Test
        void anOverlongCodeIsMalformedBeforeAnyCall() {
            GoogleProvider provider = provider();

            rejected(provider, authCode("4".repeat(GoogleProvider.MAX_AUTH_CODE_LENGTH + 1)), ErrorCode.MALFORMED);
            rejected(provider, idToken("a".repeat(IdTokenVerifier.MAX_TOKEN_LENGTH + 1)), ErrorCode.MALFORMED);
            assertThat(google.requestCount()).isZero();
        }

        @Test
        void controlCharactersSpacesAndNonAsciiAreMalformed() {
            GoogleProvider provider = provider();
            for (String bad : List.of("4/0A abc", "4/0A\u0000abc", "4/0Aabc\r\n", "4/0A\u00e9abc", "")) {
                rejected(provider, authCode(bad), ErrorCode.MALFORMED);
            }
            assertThat(google.requestCount()).isZero();
        }

        @Test
        void aTokenOfTheWrongSegmentCountIsMalformed() {
            AuthException e = rejected(provider(), idToken("only.two"), ErrorCode.MALFORMED);

            assertThat(e.getMessage()).contains("invalid number of segments");
        }

        @Test
        void credentialsOfAnotherProviderAreMalformed() {
            rejected(provider(), Credentials.apple(google.issueIdToken(alice, WEB_CLIENT)), ErrorCode.MALFORMED);
        }
    }

    @Nested
    class Secrets {
        @Test
        @ResourceLock(LogCapture.RESOURCE_LOCK)
        void codesTokensAndTheClientSecretNeverReachMessagesOrLogs() {
            List<SecretScan.Secret> secrets = new ArrayList<>();
            secrets.add(new SecretScan.Secret("the client secret", SECRET));
            List<AuthException> failures = new ArrayList<>();
            try (LogCapture capture = LogCapture.startIgnoring(List.of("mockwebserver3", "okhttp3.mockwebserver"))) {
                GoogleProvider good = providerWith("openId", false);
                GoogleProvider wrongSecret = providerWith("clientSecret", SECRET + "-wrong");
                GoogleProvider wrongRedirect = providerWith("redirectUri", "https://app.example.com/cb");
                String code = google.issueAuthCode(alice);
                String otherAudience = google.issueIdToken(alice, OTHER_APP);
                String unknownKey = google.issueIdTokenWithUnknownKey(alice, WEB_CLIENT);
                secrets.add(new SecretScan.Secret("an auth code", code));
                secrets.add(new SecretScan.Secret("an ID token of another audience", otherAudience));
                secrets.add(new SecretScan.Secret("an ID token of an unknown key", unknownKey));
                good.authenticate(authCode(code));
                for (Runnable r : List.<Runnable>of(
                        () -> good.authenticate(authCode(code)),
                        () -> wrongSecret.authenticate(authCode(track(secrets, google.issueAuthCode(alice)))),
                        () -> wrongRedirect.authenticate(authCode(track(secrets, google.issueAuthCode(alice)))),
                        () -> good.authenticate(idToken(otherAudience)),
                        () -> good.authenticate(idToken(unknownKey)),
                        () -> good.authenticate(authCode(code + "\u0000")))) {
                    try {
                        r.run();
                    } catch (AuthException e) {
                        failures.add(e);
                    }
                }
                google.requests().stream().filter(req -> req.path().equals(FakeGoogle.USERINFO_PATH))
                        .forEach(req -> secrets.add(new SecretScan.Secret("an access token", req.header("Authorization")
                                .orElseThrow().substring("Bearer ".length()))));
                assertThat(secrets).hasSizeGreaterThanOrEqualTo(7);
                assertThat(SecretScan.find(capture.entries(), secrets)).isEmpty();
            }
            assertThat(failures).hasSize(6);
            for (AuthException e : failures) {
                assertThat(SecretScan.find("the message", e.getMessage(), secrets)).isEmpty();
                assertThat(SecretScan.find("toString", e.toString(), secrets)).isEmpty();
            }
        }

        @Test
        void settingsAndProviderToStringHideTheClientSecret() {
            GoogleProvider provider = provider();

            assertThat(provider.toString()).doesNotContain(SECRET);
            GoogleSettings settings = new GoogleSettings(WEB_CLIENT, null, SECRET, null, null, null, null, null, null, null, null, null);
            assertThat(settings.toString()).doesNotContain(SECRET).contains("clientSecret=(set)");
        }

        private String track(List<SecretScan.Secret> secrets, String code) {
            secrets.add(new SecretScan.Secret("an auth code", code));
            return code;
        }
    }

    @Nested
    class Settings {
        @Test
        void defaultsAreGooglesRealEndpointsAndSafeLimits() {
            GoogleSettings s = new GoogleSettings(WEB_CLIENT, null, null, null, null, null, null, null, null, null, null, null);

            assertThat(s.tokenEndpoint()).isEqualTo("https://oauth2.googleapis.com/token");
            assertThat(s.jwksUri()).isEqualTo("https://www.googleapis.com/oauth2/v3/certs");
            assertThat(s.userinfoEndpoint()).isEqualTo("https://openidconnect.googleapis.com/v1/userinfo");
            assertThat(s.redirectUri()).isEqualTo("postmessage");
            assertThat(s.openId()).isTrue();
            assertThat(s.hostedDomain()).isNull();
            assertThat(s.additionalClientIds()).isEmpty();
            assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(10));
            assertThat(s.clockSkew()).isEqualTo(Duration.ofSeconds(60));
            assertThat(s.jwksRefetchInterval()).isEqualTo(Duration.ofSeconds(30));
            assertThat(s.clientIds()).containsExactly(WEB_CLIENT);
        }

        @Test
        void badSettingsFailStartNamingTheSettingButNotTheValue() {
            Map<String, Object> cases = new LinkedHashMap<>();
            cases.put("clientId", null);
            cases.put("timeout", "PT31S");
            cases.put("clockSkew", "PT6M");
            cases.put("jwksRefetchInterval", "PT0S");
            cases.put("tokenEndpoint", "http://oauth2.example.com/token");
            cases.put("jwksUri", "not a url");
            cases.put("userinfoEndpoint", "ftp://example.com/userinfo");
            cases.put("hostedDomain", "not a domain");
            cases.put("redirectUri", "javascript:alert(1)");
            cases.put("additionalClientIds", List.of("has space"));
            cases.put("clientSecret", "has space in it");
            for (Map.Entry<String, Object> c : cases.entrySet()) {
                AuthException e = catchThrowableOfType(AuthException.class, () -> providerWith(c.getKey(), c.getValue()));
                assertThat(e).as(c.getKey()).isNotNull();
                assertThat(e.code()).as(c.getKey()).isEqualTo(ErrorCode.CONFIGURATION);
                assertThat(e.getMessage()).as(c.getKey()).contains("providers.oauth2-google").contains(c.getKey());
                if (c.getValue() instanceof String v) {
                    assertThat(e.getMessage()).as(c.getKey()).doesNotContain(v);
                }
            }
        }

        @Test
        void plainHttpIsAllowedToLoopbackOnly() {
            assertThatThrownBy(() -> new GoogleSettings(WEB_CLIENT, null, null, null, null, null,
                    "http://10.0.0.1/token", null, null, null, null, null)).isInstanceOf(IllegalArgumentException.class);
            assertThat(new GoogleSettings(WEB_CLIENT, null, null, null, null, null,
                    "http://127.0.0.1:8080/token", null, null, null, null, null).tokenEndpoint()).startsWith("http://127.0.0.1");
        }
    }

    /** Claims built by hand stay within what the fake signs: a sanity check of the helpers the tests rely on. */
    @Test
    void fakeTokensCarryGooglesClaims() throws Exception {
        JWTClaimsSet claims = com.nimbusds.jwt.SignedJWT.parse(google.issueIdToken(carol, WEB_CLIENT)).getJWTClaimsSet();

        assertThat(claims.getIssuer()).isEqualTo(FakeGoogle.ISSUER);
        assertThat(claims.getAudience()).containsExactly(WEB_CLIENT);
        assertThat(claims.getClaim("azp")).isEqualTo(WEB_CLIENT);
        assertThat(claims.getClaim("hd")).isEqualTo("corp.example.com");
        assertThat(claims.getClaim("email_verified")).isEqualTo(true);
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(clock.instant().plus(FakeGoogle.ID_TOKEN_LIFETIME));
    }
}
