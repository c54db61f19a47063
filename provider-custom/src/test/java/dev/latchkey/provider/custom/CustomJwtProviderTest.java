package dev.latchkey.provider.custom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.TestClock;
import dev.latchkey.testkit.fake.Failure;
import dev.latchkey.testkit.fake.FakeJwtIssuer;
import dev.latchkey.testkit.fake.JsonEndpointBackend;
import dev.latchkey.testkit.fake.JsonReply;
import dev.latchkey.testkit.log.LogCapture;
import dev.latchkey.testkit.log.SecretScan;
import dev.latchkey.testkit.log.SecretScan.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/** {@code custom-token}: issue 6's rules and SECURITY.md 1-11 and 30, each by number. */
class CustomJwtProviderTest {
    private static final String APP = "my-app";
    private static final String SECRET = "hs256-secret-0123456789-abcdefghijklmnop";
    private static final String SECRET_2 = "hs256-second-secret-0123456789-abcdefghij";

    private final TestClock clock = new TestClock();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private CustomJwtProvider provider;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closing.add(c);
        return c;
    }

    private EngineHarness start(Map<String, ?> settings) {
        provider = new CustomJwtProvider();
        EngineHarness engine = EngineHarness.builder().appId(APP).clock(clock).provider(provider)
                .enable("custom-token", settings).build();
        closeLater(engine);
        return engine.start();
    }

    private Map<String, Object> claims(String sub) {
        return FakeJwtIssuer.claims(sub, APP, clock.instant());
    }

    private Identity logIn(String token) {
        return provider.authenticate(Credentials.jwt(token));
    }

    private AuthException refused(String token) {
        return catchThrowableOfType(AuthException.class, () -> logIn(token));
    }

    private FakeJwtIssuer jwksIssuer(FakeJwtIssuer issuer, Map<String, Object> more) {
        closeLater(issuer);
        Map<String, Object> settings = new LinkedHashMap<>(Map.of("jwkUri", issuer.jwksUri(), "timeout", "PT1S"));
        settings.putAll(more);
        start(settings);
        return issuer;
    }

    // ---- signing: the key decides the algorithm ------------------------------------------------

    @Test
    void hs256_tokenSignedWithAnyConfiguredSecretIsAccepted() {
        start(Map.of("hs256Secrets", List.of(SECRET, SECRET_2)));
        assertThat(logIn(FakeJwtIssuer.hs256(SECRET).mint(claims("alice"))).subject()).isEqualTo("alice");
        assertThat(logIn(FakeJwtIssuer.hs256(SECRET_2).mint(claims("bob"))).subject()).isEqualTo("bob");
    }

    @Test
    void publicKeys_rs256_es256_eddsa_pemKeysVerifyTheirOwnAlgorithm() {
        FakeJwtIssuer rs = FakeJwtIssuer.rs256();
        FakeJwtIssuer es = FakeJwtIssuer.es256();
        FakeJwtIssuer ed = FakeJwtIssuer.eddsa();
        start(Map.of("publicKeys", List.of(rs.publicKeyPem(), es.publicKeyPem(), ed.publicKeyPem())));
        assertThat(logIn(rs.mint(claims("rsa-user"))).subject()).isEqualTo("rsa-user");
        assertThat(logIn(es.mint(claims("ec-user"))).subject()).isEqualTo("ec-user");
        assertThat(logIn(ed.mint(claims("ed-user"))).subject()).isEqualTo("ed-user");
    }

    @Test
    void jwks_es256AndEdDsaKeysAreUsedWhenTheJwkSaysSo() {
        FakeJwtIssuer es = jwksIssuer(FakeJwtIssuer.es256(), Map.of());
        assertThat(logIn(es.mint(claims("ec-user"))).subject()).isEqualTo("ec-user");
        FakeJwtIssuer ed = jwksIssuer(FakeJwtIssuer.eddsa(), Map.of());
        assertThat(logIn(ed.mint(claims("ed-user"))).subject()).isEqualTo("ed-user");
    }

    @Test
    void jwks_rotatedKeyIsFetchedForItsNewKid() {
        FakeJwtIssuer issuer = jwksIssuer(FakeJwtIssuer.rs256(), Map.of());
        logIn(issuer.mint(claims("alice")));
        issuer.rotate();
        assertThat(logIn(issuer.mint(claims("alice"))).subject()).isEqualTo("alice");
    }

    @Test
    void settings_exactlyOneKindOfKeyAndSaneValues() {
        FakeJwtIssuer rs = closeLater(FakeJwtIssuer.rs256());
        List<Map<String, Object>> bad = List.of(Map.of(),
                Map.of("hs256Secrets", List.of(SECRET), "publicKeys", List.of(rs.publicKeyPem())),
                Map.of("hs256Secrets", List.of("short")),
                Map.of("hs256Secrets", List.of(SECRET, SECRET, SECRET, SECRET)),
                Map.of("publicKeys", List.of("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")),
                Map.of("jwkUri", "http://keys.example.com/jwks"),
                Map.of("hs256Secrets", List.of(SECRET), "clockSkew", "PT6M"),
                Map.of("hs256Secrets", List.of(SECRET), "metadataFields", List.of(Map.of("name", "a..b"))));
        for (Map<String, Object> settings : bad) {
            AuthException e = catchThrowableOfType(AuthException.class, () -> start(settings));
            assertThat(e).as("settings %s", settings.keySet()).isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION);
            assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain("short");
        }
    }

    @Test
    void settings_appServicesNamesAreUnderstoodAndSigningAlgorithmMustMatchTheKeys() {
        FakeJwtIssuer rs = closeLater(FakeJwtIssuer.rs256());
        // DESIGN.md's example names: "jwkURI" (App Services' spelling) and "signingAlgorithm".
        start(Map.of("jwkURI", rs.jwksUri(), "signingAlgorithm", "RS256"));
        start(Map.of("publicKeys", List.of(rs.publicKeyPem()), "signingAlgorithm", "RS256"));
        start(Map.of("hs256Secrets", List.of(SECRET), "signingAlgorithm", "HS256"));
        List<Map<String, Object>> mismatched = List.of(
                Map.of("publicKeys", List.of(rs.publicKeyPem()), "signingAlgorithm", "ES256"),
                Map.of("hs256Secrets", List.of(SECRET), "signingAlgorithm", "RS256"),
                Map.of("jwkURI", rs.jwksUri(), "signingAlgorithm", "HS256"),
                Map.of("hs256Secrets", List.of(SECRET), "signingAlgorithm", "none"));
        for (Map<String, Object> settings : mismatched) {
            AuthException e = catchThrowableOfType(AuthException.class, () -> start(settings));
            assertThat(e).as("settings %s", settings).isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION);
            assertThat(e.getMessage()).contains("signingAlgorithm").doesNotContain(SECRET);
        }
        AuthException typo = catchThrowableOfType(AuthException.class, () -> start(Map.of("hs256Secrets", List.of(SECRET),
                "metadataFields", List.of(Map.of("name", "email", "requierd", true)))));
        assertThat(typo.getMessage()).contains("metadataFields[0]: unknown setting [requierd]");
    }

    // ---- SECURITY.md 1-5 -------------------------------------------------------------------------

    @Test
    void security1_algNoneInAnyCaseIsRejected() {
        FakeJwtIssuer rs = closeLater(FakeJwtIssuer.rs256());
        start(Map.of("publicKeys", List.of(rs.publicKeyPem())));
        for (String none : List.of("none", "None", "NONE")) {
            AuthException e = refused(FakeJwtIssuer.unsigned(Map.of("alg", none, "typ", "JWT"), claims("alice")));
            assertThat(e.code()).as(none).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
    }

    @Test
    void security1_algNoneIsRejectedWithHs256SecretsToo() {
        start(Map.of("hs256Secrets", List.of(SECRET)));
        assertThat(refused(FakeJwtIssuer.unsigned(Map.of("alg", "none"), claims("alice"))).code())
                .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void security2_rs256ReSignedAsHs256WithThePublicKeyIsRejected() {
        FakeJwtIssuer rs = closeLater(FakeJwtIssuer.rs256());
        start(Map.of("publicKeys", List.of(rs.publicKeyPem())));
        for (byte[] key : List.of(rs.publicKeyDer(), rs.publicKeyPem().getBytes(StandardCharsets.US_ASCII))) {
            String forged = FakeJwtIssuer.hmacSigned(key, Map.of("alg", "HS256", "typ", "JWT"), claims("alice"));
            assertThat(refused(forged).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
    }

    @Test
    void security2_jwks_hs256WithThePublicKeyIsRejectedBeforeAnyFetch() {
        FakeJwtIssuer issuer = jwksIssuer(FakeJwtIssuer.rs256(), Map.of());
        String forged = FakeJwtIssuer.hmacSigned(issuer.publicKeyDer(),
                Map.of("alg", "HS256", "kid", issuer.currentKid()), claims("alice"));
        assertThat(refused(forged).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(issuer.backend().requestCount()).isZero();
    }

    @Test
    void security3_headerAlgOtherThanTheKeysIsRejected() {
        FakeJwtIssuer rs = closeLater(FakeJwtIssuer.rs256());
        FakeJwtIssuer es = closeLater(FakeJwtIssuer.es256());
        start(Map.of("publicKeys", List.of(rs.publicKeyPem())));
        // An RS256 signature, but the header claims RS384 / PS256 / ES256.
        for (String alg : List.of("RS384", "PS256", "ES256", "HS256")) {
            assertThat(refused(rs.mint(Map.of("alg", alg), claims("alice"))).code()).as(alg).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
        assertThat(refused(es.mint(claims("alice"))).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void security3_jwks_algMustBeTheOneTheJwkImplies() {
        FakeJwtIssuer issuer = jwksIssuer(FakeJwtIssuer.rs256(), Map.of());
        assertThat(refused(issuer.mint(Map.of("alg", "ES256"), claims("alice"))).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void security3_hs256SecretsRefuseAsymmetricTokens() {
        FakeJwtIssuer rs = closeLater(FakeJwtIssuer.rs256());
        start(Map.of("hs256Secrets", List.of(SECRET)));
        assertThat(refused(rs.mint(claims("alice"))).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(refused(FakeJwtIssuer.hs256(SECRET_2).mint(claims("alice"))).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void security4_jkuJwkAndX5uHeadersAreIgnoredAndNeverFetched() {
        JsonEndpointBackend attacker = closeLater(new JsonEndpointBackend());
        FakeJwtIssuer evil = closeLater(FakeJwtIssuer.rs256());
        attacker.route("/jwks", request -> JsonReply.ok(evil.jwks()));
        FakeJwtIssuer issuer = jwksIssuer(FakeJwtIssuer.rs256(), Map.of());
        Map<String, Object> evilHeader = new LinkedHashMap<>();
        evilHeader.put("jku", attacker.url("/jwks"));
        evilHeader.put("x5u", attacker.url("/x5u"));
        evilHeader.put("jwk", evil.jwks().get("keys") instanceof List<?> l ? l.get(0) : null);
        evilHeader.put("kid", evil.currentKid());
        assertThat(refused(evil.mint(evilHeader, claims("alice"))).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        // The real issuer's token with the same headers still verifies against the configured keys only.
        evilHeader.remove("kid");
        assertThat(logIn(issuer.mint(evilHeader, claims("alice"))).subject()).isEqualTo("alice");
        assertThat(attacker.requestCount()).isZero();
    }

    @Test
    void security5_hostileKidsAreRejectedWithoutALookup() {
        FakeJwtIssuer issuer = jwksIssuer(FakeJwtIssuer.rs256(), Map.of());
        for (String kid : List.of("../../etc/passwd", "' OR 1=1; --", "k".repeat(10_240), "a\u0000b", "", "kid with space")) {
            assertThat(refused(issuer.mint(Map.of("kid", kid), claims("alice"))).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
        assertThat(refused(issuer.mint(Map.of("kid", 42), claims("alice"))).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(issuer.backend().requestCount()).isZero();
    }

    @Test
    void jwks_kidIsRequired() {
        FakeJwtIssuer issuer = jwksIssuer(FakeJwtIssuer.rs256(), Map.of());
        Map<String, Object> noKid = new LinkedHashMap<>();
        noKid.put("kid", null);
        assertThat(refused(issuer.mint(noKid, claims("alice"))).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
    }

    // ---- SECURITY.md 6, 7 ------------------------------------------------------------------------

    @Test
    void security6_aFloodOfUnknownKidsIsRateLimited() {
        FakeJwtIssuer issuer = jwksIssuer(FakeJwtIssuer.rs256(), Map.of());
        logIn(issuer.mint(claims("alice")));
        int before = issuer.backend().requestCount();
        for (int i = 0; i < 50; i++) {
            assertThat(refused(issuer.mint(Map.of("kid", "made-up-" + i), claims("alice"))).code())
                    .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
        assertThat(issuer.backend().requestCount() - before).isLessThanOrEqualTo(2);
        assertThat(logIn(issuer.mint(claims("alice"))).subject()).isEqualTo("alice");
    }

    @Test
    void security7_jwks500_garbage_oversized_stall_lastGoodKeysServeUntilTheyExpire() {
        FakeJwtIssuer issuer = jwksIssuer(FakeJwtIssuer.rs256(), Map.of("jwksCacheTime", "PT5M", "jwksOutageTolerance", "PT1H"));
        logIn(issuer.mint(claims("alice")));
        for (Failure failure : List.of(Failure.SERVER_ERROR, Failure.GARBAGE, Failure.OVERSIZED, Failure.STALL)) {
            issuer.failWith(failure);
            clock.advance(Duration.ofMinutes(6));
            assertThat(logIn(issuer.mint(claims("alice"))).subject()).as("stale keys during %s", failure).isEqualTo("alice");
            issuer.reset();
        }
    }

    @Test
    void security7_afterTheKeysExpireLogInsFailClosed() {
        FakeJwtIssuer issuer = jwksIssuer(FakeJwtIssuer.rs256(), Map.of("jwksCacheTime", "PT5M", "jwksOutageTolerance", "PT1H"));
        logIn(issuer.mint(claims("alice")));
        issuer.failWith(Failure.SERVER_ERROR);
        clock.advance(Duration.ofHours(2));
        assertThat(refused(issuer.mint(claims("alice"))).code()).isEqualTo(ErrorCode.PROVIDER_BACKEND);
        issuer.failWith(Failure.GARBAGE);
        clock.advance(Duration.ofHours(2));
        assertThat(refused(issuer.mint(claims("alice"))).code()).isEqualTo(ErrorCode.PROVIDER_BACKEND);
        issuer.failWith(Failure.OVERSIZED);
        clock.advance(Duration.ofHours(2));
        assertThat(refused(issuer.mint(claims("alice"))).code()).isEqualTo(ErrorCode.PROVIDER_BACKEND);
        issuer.failWith(Failure.STALL);
        clock.advance(Duration.ofHours(2));
        assertThat(refused(issuer.mint(claims("alice"))).code()).isEqualTo(ErrorCode.NETWORK);
        issuer.reset();
        clock.advance(Duration.ofMinutes(1));
        assertThat(logIn(issuer.mint(claims("alice"))).subject()).isEqualTo("alice");
    }

    @Test
    void security7_aJwkSetWithNoUsableKeyDoesNotWipeTheGoodOnes() {
        JsonEndpointBackend keys = closeLater(new JsonEndpointBackend());
        FakeJwtIssuer issuer = closeLater(FakeJwtIssuer.rs256());
        Map<String, Object> empty = Map.of("keys", List.of());
        java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean();
        keys.route("/jwks", request -> JsonReply.ok(broken.get() ? empty : issuer.jwks()));
        start(Map.of("jwkUri", keys.url("/jwks"), "timeout", "PT1S"));
        logIn(issuer.mint(claims("alice")));
        broken.set(true);
        clock.advance(Duration.ofMinutes(6));
        assertThat(logIn(issuer.mint(claims("alice"))).subject()).isEqualTo("alice");
    }

    // ---- SECURITY.md 8-10 ------------------------------------------------------------------------

    @Test
    void security8_expMissingOrPastAndNbfOrIatInTheFutureAreRejected() {
        FakeJwtIssuer hs = FakeJwtIssuer.hs256(SECRET);
        start(Map.of("hs256Secrets", List.of(SECRET)));
        long now = clock.instant().getEpochSecond();
        Map<String, Object> noExp = claims("alice");
        noExp.remove("exp");
        Map<String, Object> expired = claims("alice");
        expired.put("exp", now - 31);
        Map<String, Object> nbf = claims("alice");
        nbf.put("nbf", now + 31);
        Map<String, Object> iat = claims("alice");
        iat.put("iat", now + 31);
        for (Map<String, Object> c : List.of(noExp, expired, nbf, iat)) {
            assertThat(refused(hs.mint(c)).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
    }

    @Test
    void security8_clockSkewIsHonoured() {
        FakeJwtIssuer hs = FakeJwtIssuer.hs256(SECRET);
        start(Map.of("hs256Secrets", List.of(SECRET), "clockSkew", "PT30S"));
        long now = clock.instant().getEpochSecond();
        Map<String, Object> c = claims("alice");
        c.put("exp", now - 29);
        c.put("nbf", now + 29);
        c.put("iat", now + 29);
        assertThat(logIn(hs.mint(c)).subject()).isEqualTo("alice");
    }

    @Test
    void security9_wrongIssuerIsRejected() {
        FakeJwtIssuer hs = FakeJwtIssuer.hs256(SECRET);
        start(Map.of("hs256Secrets", List.of(SECRET), "issuer", "https://auth.example.com"));
        Map<String, Object> c = claims("alice");
        assertThat(refused(hs.mint(c)).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        c.put("iss", "https://auth.example.com.evil.example");
        assertThat(refused(hs.mint(c)).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        c.put("iss", "https://auth.example.com");
        assertThat(logIn(hs.mint(c)).subject()).isEqualTo("alice");
    }

    @Test
    void security9_audMustHoldTheAppIdByDefault() {
        FakeJwtIssuer hs = FakeJwtIssuer.hs256(SECRET);
        start(Map.of("hs256Secrets", List.of(SECRET)));
        Map<String, Object> c = claims("alice");
        c.put("aud", "another-app");
        assertThat(refused(hs.mint(c)).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        c.remove("aud");
        assertThat(refused(hs.mint(c)).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        c.put("aud", List.of("another-app", APP));
        assertThat(logIn(hs.mint(c)).subject()).isEqualTo("alice");
    }

    @Test
    void security9_configuredAudiencesAny() {
        FakeJwtIssuer hs = FakeJwtIssuer.hs256(SECRET);
        start(Map.of("hs256Secrets", List.of(SECRET), "audiences", List.of("web", "mobile")));
        Map<String, Object> c = claims("alice");
        c.put("aud", "mobile");
        assertThat(logIn(hs.mint(c)).subject()).isEqualTo("alice");
        c.put("aud", APP);
        assertThat(refused(hs.mint(c)).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void security9_configuredAudiencesAll() {
        FakeJwtIssuer hs = FakeJwtIssuer.hs256(SECRET);
        start(Map.of("hs256Secrets", List.of(SECRET), "audiences", List.of("web", "mobile"), "requireAllAudiences", true));
        Map<String, Object> c = claims("alice");
        c.put("aud", "mobile");
        assertThat(refused(hs.mint(c)).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        c.put("aud", List.of("web", "mobile", "other"));
        assertThat(logIn(hs.mint(c)).subject()).isEqualTo("alice");
    }

    @Test
    void security10_refreshTokenLikeOrAnotherIssuersTokenIsRejected() {
        FakeJwtIssuer hs = FakeJwtIssuer.hs256(SECRET);
        FakeJwtIssuer other = closeLater(FakeJwtIssuer.rs256());
        start(Map.of("hs256Secrets", List.of(SECRET), "issuer", "https://auth.example.com"));
        Map<String, Object> c = claims("alice");
        c.put("iss", "https://auth.example.com");
        assertThat(refused(hs.mint(Map.of("typ", "refresh+jwt"), c)).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(refused(other.mint(c)).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(refused("b3BhcXVlLXJlZnJlc2gtdG9rZW4tMDEyMzQ1Njc4OQ").code()).isEqualTo(ErrorCode.MALFORMED);
    }

    // ---- SECURITY.md 11: shape -------------------------------------------------------------------

    @Test
    void security11_twoOrFourSegmentsAreMalformedWithTheAppServicesMessageAndAHint() {
        FakeJwtIssuer hs = FakeJwtIssuer.hs256(SECRET);
        start(Map.of("hs256Secrets", List.of(SECRET)));
        String good = hs.mint(claims("alice"));
        for (String bad : List.of(good.substring(0, good.lastIndexOf('.')), good + ".abc", "no-dots-at-all")) {
            AuthException e = refused(bad);
            assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED);
            assertThat(e.getMessage()).startsWith("token contains an invalid number of segments").contains("compact");
        }
    }

    @Test
    void security11_charactersOutsideBase64urlAreMalformed() {
        FakeJwtIssuer hs = FakeJwtIssuer.hs256(SECRET);
        start(Map.of("hs256Secrets", List.of(SECRET)));
        String good = hs.mint(claims("alice"));
        int cut = good.indexOf('.') + 3;
        for (String stray : List.of("\n", "\u0000", " ", "=", "+", "/", "é")) {
            assertThat(refused(good.substring(0, cut) + stray + good.substring(cut)).code()).isEqualTo(ErrorCode.MALFORMED);
        }
        assertThat(refused(good + "\r\n").code()).isEqualTo(ErrorCode.MALFORMED);
    }

    @Test
    void security11_headerOrClaimsNotUtf8AreMalformed() {
        FakeJwtIssuer hs = FakeJwtIssuer.hs256(SECRET);
        start(Map.of("hs256Secrets", List.of(SECRET)));
        byte[] claims = "{\"sub\":\"al\u00ffce\",\"aud\":\"my-app\",\"exp\":9999999999}".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(refused(hs.mintRaw("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8), claims)).code())
                .isEqualTo(ErrorCode.MALFORMED);
        byte[] header = "{\"alg\":\"HS256\",\"x\":\"\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(refused(hs.mintRaw(header, "{\"sub\":\"a\"}".getBytes(StandardCharsets.UTF_8))).code())
                .isEqualTo(ErrorCode.MALFORMED);
    }

    @Test
    void security11_duplicateClaimsAreMalformed() {
        FakeJwtIssuer hs = FakeJwtIssuer.hs256(SECRET);
        start(Map.of("hs256Secrets", List.of(SECRET)));
        long exp = clock.instant().getEpochSecond() + 600;
        String claims = "{\"sub\":\"alice\",\"aud\":\"my-app\",\"exp\":" + exp + ",\"sub\":\"admin\"}";
        assertThat(refused(hs.mintRaw("{\"alg\":\"HS256\"}", claims)).code()).isEqualTo(ErrorCode.MALFORMED);
        assertThat(refused(hs.mintRaw("{\"alg\":\"HS256\",\"alg\":\"none\"}", claims.replace(",\"sub\":\"admin\"", ""))).code())
                .isEqualTo(ErrorCode.MALFORMED);
    }

    @Test
    void security11_jsonNested10000DeepIsMalformed() {
        FakeJwtIssuer hs = FakeJwtIssuer.hs256(SECRET);
        start(Map.of("hs256Secrets", List.of(SECRET)));
        String deep = "{\"sub\":\"alice\",\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
        assertThat(refused(hs.mintRaw("{\"alg\":\"HS256\"}", deep)).code()).isEqualTo(ErrorCode.MALFORMED);
    }

    @Test
    void security11_aTokenOver1MillionCharactersIsMalformed() {
        FakeJwtIssuer hs = FakeJwtIssuer.hs256(SECRET);
        start(Map.of("hs256Secrets", List.of(SECRET)));
        Map<String, Object> c = claims("alice");
        c.put("padding", "x".repeat(760_000));
        String big = hs.mint(c);
        assertThat(big.length()).isGreaterThan(1_000_000);
        assertThat(refused(big).code()).isEqualTo(ErrorCode.MALFORMED);
    }

    @Test
    void payloadOtherThanOneStringTokenIsMalformed() {
        start(Map.of("hs256Secrets", List.of(SECRET)));
        for (Map<String, Object> payload : List.<Map<String, Object>>of(Map.of(), Map.of("token", 42),
                Map.of("token", "a.b.c", "extra", "x"))) {
            AuthException e = catchThrowableOfType(AuthException.class,
                    () -> provider.authenticate(Credentials.of("custom-token", payload)));
            assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED);
        }
    }

    @Test
    void subjectMustBeUsable() {
        FakeJwtIssuer hs = FakeJwtIssuer.hs256(SECRET);
        start(Map.of("hs256Secrets", List.of(SECRET)));
        for (Object sub : List.of("", " ", "a\u0007b", "x".repeat(256), 42)) {
            Map<String, Object> c = claims("alice");
            c.put("sub", sub);
            assertThat(refused(hs.mint(c)).code()).isIn(ErrorCode.INVALID_CREDENTIALS, ErrorCode.MALFORMED);
        }
        Map<String, Object> c = claims("alice");
        c.remove("sub");
        assertThat(refused(hs.mint(c)).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
    }

    // ---- metadata fields -------------------------------------------------------------------------

    @Test
    void metadata_dotPathsEscapedDotsAndWellKnownFields() {
        FakeJwtIssuer hs = FakeJwtIssuer.hs256(SECRET);
        start(Map.of("hs256Secrets", List.of(SECRET), "metadataFields", List.of(
                Map.of("name", "user.name", "required", true),
                Map.of("name", "user.mail", "field_name", "email"),
                Map.of("name", "https://example\\.com/picture", "field_name", "picture"),
                Map.of("name", "user.age.min", "field_name", "min_age"),
                Map.of("name", "roles"),
                Map.of("name", "absent.claim"))));
        Map<String, Object> c = claims("alice");
        c.put("user", Map.of("name", "Alice Liddell", "mail", "alice@example.com", "age", Map.of("min", 21)));
        c.put("https://example.com/picture", "https://img.example.com/a.png");
        c.put("roles", List.of("admin", "dev"));
        Identity identity = logIn(hs.mint(c));
        assertThat(identity.profile().name()).isEqualTo("Alice Liddell");
        assertThat(identity.profile().email()).isEqualTo("alice@example.com");
        assertThat(identity.profile().pictureUrl()).isEqualTo("https://img.example.com/a.png");
        assertThat(identity.profile().minAge()).isEqualTo(21);
        assertThat(identity.profile().extras()).containsEntry("name", "Alice Liddell")
                .containsEntry("picture", "https://img.example.com/a.png").containsEntry("roles", "[\"admin\",\"dev\"]")
                .containsEntry("min_age", "21").doesNotContainKey("claim");
    }

    @Test
    void metadata_requiredAndMissingNamesTheField() {
        FakeJwtIssuer hs = FakeJwtIssuer.hs256(SECRET);
        start(Map.of("hs256Secrets", List.of(SECRET), "metadataFields",
                List.of(Map.of("name", "org.id", "field_name", "organisation", "required", true))));
        AuthException e = refused(hs.mint(claims("alice")));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(e.getMessage()).contains("organisation");
    }

    @Test
    void metadata_aValueOver4096CharactersIsRejected() {
        FakeJwtIssuer hs = FakeJwtIssuer.hs256(SECRET);
        start(Map.of("hs256Secrets", List.of(SECRET), "metadataFields", List.of(Map.of("name", "bio"))));
        Map<String, Object> c = claims("alice");
        c.put("bio", "x".repeat(4_094));
        assertThat(logIn(hs.mint(c)).profile().extras().get("bio")).hasSize(4_094);
        c.put("bio", "x".repeat(4_095));
        assertThat(refused(hs.mint(c)).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
    }

    // ---- SECURITY.md 30 --------------------------------------------------------------------------

    @Test
    @ResourceLock(Resources.SYSTEM_OUT)
    @ResourceLock(Resources.SYSTEM_ERR)
    @ResourceLock(LogCapture.RESOURCE_LOCK)
    void security30_noTokenOrSecretReachesAMessageOrALog() {
        FakeJwtIssuer hs = FakeJwtIssuer.hs256(SECRET);
        FakeJwtIssuer other = FakeJwtIssuer.hs256(SECRET_2);
        EngineHarness engine = start(Map.of("hs256Secrets", List.of(SECRET)));
        String good = hs.mint(claims("alice"));
        Map<String, Object> expiredClaims = claims("alice");
        expiredClaims.put("exp", 1);
        List<String> bad = List.of(other.mint(claims("alice")), hs.mint(expiredClaims), good + ".x", good + "\n",
                good.substring(0, good.length() - 4), FakeJwtIssuer.unsigned(Map.of("alg", "none"), claims("alice")));
        List<Secret> secrets = new ArrayList<>(List.of(new Secret("secret", SECRET), new Secret("other secret", SECRET_2),
                new Secret("good token", good)));
        for (int i = 0; i < bad.size(); i++) {
            secrets.add(new Secret("bad token " + i, bad.get(i)));
        }
        List<SecretScan.Finding> findings = new ArrayList<>();
        try (LogCapture capture = LogCapture.startIgnoring(List.of("mockwebserver3", "okhttp3.mockwebserver"))) {
            engine.service().logIn(Credentials.jwt(good));
            for (String token : bad) {
                AuthException e = refused(token);
                findings.addAll(SecretScan.find("message", e.getMessage(), secrets));
                findings.addAll(SecretScan.find("toString", e.toString(), secrets));
                AuthException viaEngine = catchThrowableOfType(AuthException.class,
                        () -> engine.service().logIn(Credentials.jwt(token)));
                findings.addAll(SecretScan.find("engine message", viaEngine.getMessage(), secrets));
            }
            findings.addAll(SecretScan.find(capture.entries(), secrets));
        }
        findings.addAll(SecretScan.find("settings", new CustomJwtSettings(List.of(SECRET), null, null, null, null, null, null,
                null, null, null, null, null, null).toString(), secrets));
        assertThat(findings).isEmpty();
    }

    @Test
    void rsaKeysMustBeOfSaneSizeAndExponent() {
        assertThat(PemPublicKeys.saneRsa(java.math.BigInteger.ONE.shiftLeft(2047).setBit(0), java.math.BigInteger.ONE)).isFalse();
        assertThat(PemPublicKeys.saneRsa(java.math.BigInteger.ONE.shiftLeft(9000).setBit(0), java.math.BigInteger.valueOf(65537))).isFalse();
        assertThat(PemPublicKeys.saneRsa(java.math.BigInteger.ONE.shiftLeft(2047).setBit(0), java.math.BigInteger.valueOf(65537))).isTrue();
        assertThat(PemPublicKeys.saneRsa(java.math.BigInteger.ONE.shiftLeft(2047).setBit(0), java.math.BigInteger.valueOf(65536))).isFalse();
    }

    @Test
    void aJwkUriIsShownWithoutItsQueryAndMayNotCarryCredentials() {
        assertThat(CustomJwtSettings.shownUrl("https://keys.example.com/jwks?code=s3cr3t-function-key"))
                .isEqualTo("https://keys.example.com/jwks (query hidden)");
        AuthException e = catchThrowableOfType(AuthException.class, () -> start(Map.of("jwkUri", "https://u:p4ss@keys.example.com/jwks")));
        assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION);
        assertThat(e.getMessage()).contains("user, a password").doesNotContain("p4ss");
    }
}
