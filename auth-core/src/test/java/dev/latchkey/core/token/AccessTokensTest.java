package dev.latchkey.core.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.UserType;
import dev.latchkey.api.VerifiedToken;
import dev.latchkey.core.LatchkeyOptions;
import dev.latchkey.core.config.TokenSettings;
import dev.latchkey.core.store.InMemoryStore;
import dev.latchkey.core.store.NewUser;
import dev.latchkey.core.store.StoredSession;
import dev.latchkey.core.store.StoredUser;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The access-token rules of DESIGN.md §4 and the token attacks of SECURITY.md 1-5 and 8-11. */
class AccessTokensTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final String APP = "app-a";

    private final InMemoryStore store = new InMemoryStore();
    private final SecureRandom random = new SecureRandom();
    private final Secrets secrets = new Secrets(random);
    private SigningKeys keys;
    private AccessTokens tokens;
    private StoredUser user;
    private StoredSession session;
    private RSAKey ourKey;

    @BeforeEach
    void setUp() throws Exception {
        keys = new SigningKeys(store, at(T0), TokenSettings.DEFAULTS, secrets, random);
        tokens = tokensAt(T0);
        user = store.logInIdentity(Identity.of("anon-user", "a1"), new NewUser("user-1", UserType.NORMAL, T0), T0);
        store.setCustomData(user.id(), Map.of("plan", "pro"));
        user = store.findUser(user.id()).orElseThrow();
        session = new StoredSession("sess-1", user.id(), "dev-1", "anon-user", "a1", "hash", T0, T0.plus(Duration.ofDays(60)));
        keys.current();
        ourKey = RSAKey.parse(store.signingKeys().get(0).jwk());
    }

    @Test
    void anIssuedTokenVerifiesWithAllItsClaims() {
        AccessTokens.Issued issued = tokens.issue(user, session);
        VerifiedToken v = tokens.verify(issued.token());
        assertThat(v.userId()).isEqualTo("user-1");
        assertThat(v.sessionId()).isEqualTo("sess-1");
        assertThat(v.deviceId()).isEqualTo("dev-1");
        assertThat(v.audience()).isEqualTo(APP);
        assertThat(v.issuer()).isEqualTo("latchkey:" + APP);
        assertThat(v.issuedAt()).isEqualTo(T0);
        assertThat(v.expiresAt()).isEqualTo(T0.plus(Duration.ofMinutes(30))).isEqualTo(issued.expiresAt());
        assertThat(v.tokenId()).hasSize(32);
        assertThat(v.customData()).isEqualTo(Map.of("plan", "pro"));
        assertThat(tokens.issue(user, session).token()).isNotEqualTo(issued.token());
    }

    @Test
    void theHeaderSaysRs256AtJwtAndOurKeyId() throws Exception {
        SignedJWT jwt = SignedJWT.parse(tokens.issue(user, session).token());
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(jwt.getHeader().getType()).isEqualTo(new JOSEObjectType("at+jwt"));
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(ourKey.getKeyID());
    }

    // SECURITY.md 1
    @Test
    void algNoneIsRejectedInEveryCase() {
        for (String none : List.of("none", "None", "NONE", "nOnE")) {
            String header = json("{\"alg\":\"" + none + "\",\"typ\":\"at+jwt\",\"kid\":\"" + ourKey.getKeyID() + "\"}");
            String claims = json(validClaims().toString());
            assertRejected(() -> tokens.verify(header + "." + claims + "."), ErrorCode.MALFORMED);
            assertRejected(() -> tokens.verify(header + "." + claims + ".AAAA"), ErrorCode.INVALID_SESSION, "RS256");
        }
    }

    // SECURITY.md 2
    @Test
    void anRs256TokenResignedAsHs256WithThePublicKeyIsRejected() throws Exception {
        byte[] publicKeyBytes = ourKey.toRSAPublicKey().getEncoded();
        String forged = sign(new JWSHeader.Builder(JWSAlgorithm.HS256).type(AccessTokens.TYPE).keyID(ourKey.getKeyID()).build(),
                validClaims(), new MACSigner(publicKeyBytes));
        assertRejected(() -> tokens.verify(forged), ErrorCode.INVALID_SESSION, "RS256");
    }

    // SECURITY.md 3
    @Test
    void anAlgorithmOtherThanTheKeysIsRejectedEvenWithAValidSignature() throws Exception {
        for (JWSAlgorithm alg : List.of(JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256)) {
            String token = sign(new JWSHeader.Builder(alg).type(AccessTokens.TYPE).keyID(ourKey.getKeyID()).build(),
                    validClaims(), new RSASSASigner(ourKey));
            assertRejected(() -> tokens.verify(token), ErrorCode.INVALID_SESSION, "RS256");
        }
    }

    // SECURITY.md 4
    @Test
    void embeddedKeysAndKeyUrlsAreIgnoredAndNeverFetched() throws Exception {
        RSAKey attacker = new RSAKeyGenerator(2048).keyID(ourKey.getKeyID()).generate();
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String url = "http://127.0.0.1:" + listener.getLocalPort() + "/jwks";
            JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).type(AccessTokens.TYPE).keyID(ourKey.getKeyID())
                    .jwk(attacker.toPublicJWK()).jwkURL(new java.net.URI(url)).x509CertURL(new java.net.URI(url)).build();
            String token = sign(header, validClaims(), new RSASSASigner(attacker));
            assertRejected(() -> tokens.verify(token), ErrorCode.INVALID_SESSION, "signature");
            listener.setSoTimeout(300);
            assertThatThrownBy(listener::accept).as("no request may follow a jku/x5u header").isInstanceOf(SocketTimeoutException.class);
        }
    }

    // SECURITY.md 5
    @Test
    void hostileKeyIdsAreRejectedBeforeAnyLookup() throws Exception {
        for (String kid : List.of("../../etc/passwd", "' OR 1=1 --", "k".repeat(10_240), "a\u0000b", "", "kid with space")) {
            String token = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).type(AccessTokens.TYPE).keyID(kid).build(),
                    validClaims(), new RSASSASigner(ourKey));
            assertRejected(() -> tokens.verify(token), ErrorCode.INVALID_SESSION, "key id");
        }
    }

    // SECURITY.md 8
    @Test
    void expiryIsRequiredAndCheckedWithTheConfiguredSkew() throws Exception {
        String noExp = signed(new JWTClaimsSet.Builder(validClaims()).expirationTime(null).build());
        assertRejected(() -> tokens.verify(noExp), ErrorCode.INVALID_SESSION, "exp");

        String token = tokens.issue(user, session).token();
        Instant expiry = T0.plus(Duration.ofMinutes(30));
        assertThat(tokensAt(expiry.plusSeconds(29)).verify(token).userId()).as("inside the 30 s skew").isEqualTo("user-1");
        assertRejected(() -> tokensAt(expiry.plusSeconds(31)).verify(token), ErrorCode.INVALID_SESSION, "expired");
    }

    // SECURITY.md 8
    @Test
    void tokensFromTheFutureAreRejected() throws Exception {
        String futureIat = signed(new JWTClaimsSet.Builder(validClaims()).issueTime(Date.from(T0.plusSeconds(120))).build());
        assertRejected(() -> tokens.verify(futureIat), ErrorCode.INVALID_SESSION, "future");
        String futureNbf = signed(new JWTClaimsSet.Builder(validClaims()).notBeforeTime(Date.from(T0.plusSeconds(120))).build());
        assertRejected(() -> tokens.verify(futureNbf), ErrorCode.INVALID_SESSION, "not valid yet");
        String noIat = signed(new JWTClaimsSet.Builder(validClaims()).issueTime(null).build());
        assertRejected(() -> tokens.verify(noIat), ErrorCode.INVALID_SESSION, "iat");
        String slightlyAhead = signed(new JWTClaimsSet.Builder(validClaims()).issueTime(Date.from(T0.plusSeconds(20))).build());
        assertThat(tokens.verify(slightlyAhead).userId()).as("inside the skew").isEqualTo("user-1");
    }

    // SECURITY.md 8; found by AccessTokenFuzzTest: the skew added to a signed exp or iat at the end
    // of Instant's range threw DateTimeException instead of an AuthException.
    @Test
    void signedTimesAtTheEndsOfTheInstantRangeAreJudgedNotCrashedOn() throws Exception {
        long maxSecond = Instant.MAX.getEpochSecond();
        long minSecond = Instant.MIN.getEpochSecond();
        String farExp = signed(new JWTClaimsSet.Builder(validClaims()).claim("exp", maxSecond).build());
        assertThat(tokens.verify(farExp).expiresAt()).isEqualTo(Instant.ofEpochSecond(maxSecond));
        assertRejected(() -> tokens.verify(signed(new JWTClaimsSet.Builder(validClaims()).claim("exp", minSecond).build())),
                ErrorCode.INVALID_SESSION, "expired");
        assertRejected(() -> tokens.verify(signed(new JWTClaimsSet.Builder(validClaims()).claim("iat", maxSecond).build())),
                ErrorCode.INVALID_SESSION, "future");
        assertRejected(() -> tokens.verify(signed(new JWTClaimsSet.Builder(validClaims()).claim("nbf", maxSecond).build())),
                ErrorCode.INVALID_SESSION, "not valid yet");
        assertThat(tokens.verify(signed(new JWTClaimsSet.Builder(validClaims()).claim("iat", minSecond).claim("nbf", minSecond)
                .build())).userId()).isEqualTo("user-1");
    }

    // SECURITY.md 9
    @Test
    void anotherIssuerOrAnotherAudienceIsRejected() throws Exception {
        assertRejected(() -> tokens.verify(signed(new JWTClaimsSet.Builder(validClaims()).issuer("latchkey:app-b").build())),
                ErrorCode.INVALID_SESSION, "issued by someone else");
        assertRejected(() -> tokens.verify(signed(new JWTClaimsSet.Builder(validClaims()).audience("app-b").build())),
                ErrorCode.INVALID_SESSION, "another app");
        assertRejected(() -> tokens.verify(signed(new JWTClaimsSet.Builder(validClaims()).audience(List.of(APP, "app-b")).build())),
                ErrorCode.INVALID_SESSION, "another app");
        assertRejected(() -> tokens.verify(signed(new JWTClaimsSet.Builder(validClaims()).audience((String) null).build())),
                ErrorCode.INVALID_SESSION, "another app");
        assertThat(tokens.verify(signed(new JWTClaimsSet.Builder(validClaims()).audience(List.of(APP)).build())).audience())
                .isEqualTo(APP);
    }

    @Test
    void aTokenOfAnotherAppSharingTheKeysIsRejected() {
        AccessTokens appB = new AccessTokens(LatchkeyOptions.builder("app-b").build(), TokenSettings.DEFAULTS, keys, secrets, at(T0));
        String tokenForB = appB.issue(user, session).token();
        assertThat(appB.verify(tokenForB).audience()).isEqualTo("app-b");
        assertRejected(() -> tokens.verify(tokenForB), ErrorCode.INVALID_SESSION, "someone else");
    }

    @Test
    void aTokenSignedByAnotherEnginesKeyIsRejected() {
        InMemoryStore otherStore = new InMemoryStore();
        SigningKeys otherKeys = new SigningKeys(otherStore, at(T0), TokenSettings.DEFAULTS, secrets, random);
        AccessTokens other = new AccessTokens(LatchkeyOptions.builder(APP).build(), TokenSettings.DEFAULTS, otherKeys, secrets, at(T0));
        String foreign = other.issue(user, session).token();
        assertRejected(() -> tokens.verify(foreign), ErrorCode.INVALID_SESSION, "unknown key");
    }

    @Test
    void aTamperedPayloadFailsTheSignature() {
        String[] parts = tokens.issue(user, session).token().split("\\.");
        String tampered = json(validClaims().toString().replace("user-1", "user-2"));
        assertRejected(() -> tokens.verify(parts[0] + "." + tampered + "." + parts[2]), ErrorCode.INVALID_SESSION, "signature");
    }

    @Test
    void aSignatureOfTheWrongLengthIsRejectedAndTheNextTokenOnThisThreadStillVerifies() {
        String token = tokens.issue(user, session).token();
        int dot = token.lastIndexOf('.');
        byte[] signature = java.util.Base64.getUrlDecoder().decode(token.substring(dot + 1));
        // Canonical base64url of 200 bytes: refused by the RSA check (wrong length), not by the decoder.
        String cut = token.substring(0, dot + 1)
                + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(signature, 200));
        String padded = token + "AAAA";
        assertRejected(() -> tokens.verify(cut), ErrorCode.INVALID_SESSION, "signature");
        assertThat(tokens.verify(token).sessionId()).isEqualTo("sess-1");
        assertRejected(() -> tokens.verify(padded), ErrorCode.INVALID_SESSION, "signature");
        assertThat(tokens.verify(token).sessionId()).isEqualTo("sess-1");
    }

    @Test
    void tokensOfTwoKeysVerifyInTurnOnOneThreadAndTheirSignaturesDoNotSwap() {
        String first = tokens.issue(user, session).token();
        keys.rotate();
        Instant later = T0.plus(Duration.ofMinutes(2));
        SigningKeys laterKeys = new SigningKeys(store, at(later), TokenSettings.DEFAULTS, secrets, random);
        AccessTokens laterTokens = new AccessTokens(LatchkeyOptions.builder(APP).build(), TokenSettings.DEFAULTS, laterKeys, secrets,
                at(later));
        String second = laterTokens.issue(user, session).token();
        assertThat(second.substring(0, second.indexOf('.'))).as("signed by the new key").isNotEqualTo(first.substring(0, first.indexOf('.')));
        for (int i = 0; i < 3; i++) {
            assertThat(laterTokens.verify(first).sessionId()).isEqualTo("sess-1");
            assertThat(laterTokens.verify(second).sessionId()).isEqualTo("sess-1");
        }
        String swapped = first.substring(0, first.lastIndexOf('.')) + second.substring(second.lastIndexOf('.'));
        assertRejected(() -> laterTokens.verify(swapped), ErrorCode.INVALID_SESSION, "signature");
        assertThat(laterTokens.verify(first).sessionId()).isEqualTo("sess-1");
    }

    @Test
    void paddingAndCharactersOutsideBase64UrlAreMalformedInEverySegment() {
        String token = tokens.issue(user, session).token();
        int first = token.indexOf('.');
        int second = token.lastIndexOf('.');
        for (int at : new int[] {3, first + 3, second + 3}) {
            for (String bad : List.of("=", "+", "/", " ", "é", "\u4e00", "?")) {
                String hostile = token.substring(0, at) + bad + token.substring(at + 1);
                assertRejected(() -> tokens.verify(hostile), ErrorCode.MALFORMED, "not base64url");
            }
        }
        assertThat(tokens.verify(token).sessionId()).isEqualTo("sess-1");
    }

    @Test
    void onlyTheCanonicalSpellingOfATokenVerifies() {
        String token = tokens.issue(user, session).token();
        // A 256-byte signature is 342 base64url characters: the last one carries 2 bits and 4 unused ones.
        char last = token.charAt(token.length() - 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char sameBits = alphabet.charAt(alphabet.indexOf(last) | 1);
        assertThat(sameBits).as("differs only in unused bits").isNotEqualTo(last);
        String respelled = token.substring(0, token.length() - 1) + sameBits;
        assertRejected(() -> tokens.verify(respelled), ErrorCode.MALFORMED, "not base64url");
        assertThat(tokens.verify(token).sessionId()).isEqualTo("sess-1");
    }

    // SECURITY.md 10
    @Test
    void aRefreshTokenOrAnotherKindOfJwtIsNotAnAccessToken() throws Exception {
        assertRejected(() -> tokens.verify(secrets.newToken()), ErrorCode.MALFORMED, "token contains an invalid number of segments");
        for (String typ : List.of("JWT", "id_token", "refresh+jwt")) {
            String idToken = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType(typ)).keyID(ourKey.getKeyID()).build(),
                    validClaims(), new RSASSASigner(ourKey));
            assertRejected(() -> tokens.verify(idToken), ErrorCode.INVALID_SESSION, "not an access token");
        }
        String noTyp = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(ourKey.getKeyID()).build(), validClaims(), new RSASSASigner(ourKey));
        assertRejected(() -> tokens.verify(noTyp), ErrorCode.INVALID_SESSION, "not an access token");
    }

    // SECURITY.md 11
    @Test
    void malformedTokensAreRejectedWithMalformed() {
        String valid = tokens.issue(user, session).token();
        String[] p = valid.split("\\.");
        assertRejected(() -> tokens.verify(p[0] + "." + p[1]), ErrorCode.MALFORMED, "token contains an invalid number of segments");
        assertRejected(() -> tokens.verify(valid + "." + p[2]), ErrorCode.MALFORMED, "token contains an invalid number of segments");
        assertRejected(() -> tokens.verify(""), ErrorCode.MALFORMED, "no access token");
        assertRejected(() -> tokens.verify(null), ErrorCode.MALFORMED, "no access token");
        assertRejected(() -> tokens.verify(p[0] + "." + p[1] + "+/=." + p[2]), ErrorCode.MALFORMED, "base64url");
        assertRejected(() -> tokens.verify(p[0] + ".." + p[2]), ErrorCode.MALFORMED, "base64url");
        assertRejected(() -> tokens.verify("A." + p[1] + "." + p[2]), ErrorCode.MALFORMED, "base64url");
        String notUtf8 = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[] {(byte) 0xC3, (byte) 0x28, '{', '}'});
        assertRejected(() -> tokens.verify(notUtf8 + "." + p[1] + "." + p[2]), ErrorCode.MALFORMED, "UTF-8");
        assertRejected(() -> tokens.verify(json("[1,2]") + "." + p[1] + "." + p[2]), ErrorCode.MALFORMED, "JSON object");
    }

    // SECURITY.md 11
    @Test
    void duplicateClaimsAreRejectedNotResolved() {
        String[] p = tokens.issue(user, session).token().split("\\.");
        String claims = validClaims().toString();
        String duplicated = json(claims.substring(0, claims.length() - 1) + ",\"sub\":\"admin\"}");
        assertRejected(() -> tokens.verify(p[0] + "." + duplicated + "." + p[2]), ErrorCode.MALFORMED, "duplicate key 'sub'");
        String header = new String(Base64.getUrlDecoder().decode(p[0]), StandardCharsets.UTF_8);
        String dupHeader = json(header.substring(0, header.length() - 1) + ",\"alg\":\"none\"}");
        assertRejected(() -> tokens.verify(dupHeader + "." + p[1] + "." + p[2]), ErrorCode.MALFORMED, "duplicate key 'alg'");
    }

    // SECURITY.md 11 and 30: the header is unauthenticated input; its keys must not reach a log line raw.
    @Test
    void aHostileDuplicateHeaderKeyIsNotEchoed() {
        String[] p = tokens.issue(user, session).token().split("\\.");
        String key = "X\\r\\nFAKE LOG LINE " + "z".repeat(5_000);
        String header = json("{\"alg\":\"RS256\",\"" + key + "\":1,\"" + key + "\":2}");
        assertThatThrownBy(() -> tokens.verify(header + "." + p[1] + "." + p[2])).isInstanceOfSatisfying(AuthException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED);
            assertThat(e.getMessage()).hasSizeLessThan(400).doesNotContain("\r").doesNotContain("\n");
        });
    }

    // SECURITY.md 11
    @Test
    void hugeOrDeeplyNestedTokensAreRejectedQuickly() {
        String[] p = tokens.issue(user, session).token().split("\\.");
        String megabyte = "A".repeat(1 << 20);
        assertRejected(() -> tokens.verify(p[0] + "." + megabyte + "." + p[2]), ErrorCode.MALFORMED, "longer than");
        String deep = json("{\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}");
        assertRejected(() -> tokens.verify(p[0] + "." + deep + "." + p[2]), ErrorCode.MALFORMED);
        String deepButShort = json("{\"x\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}");
        assertThat(p[0].length() + deepButShort.length() + p[2].length() + 2).isLessThan(AccessTokens.MAX_TOKEN_LENGTH);
        assertRejected(() -> tokens.verify(p[0] + "." + deepButShort + "." + p[2]), ErrorCode.MALFORMED, "deeper");
    }

    @Test
    void criticalHeadersWeDoNotKnowAreRejected() throws Exception {
        String token = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).type(AccessTokens.TYPE).keyID(ourKey.getKeyID())
                .criticalParams(java.util.Set.of("exp")).build(), validClaims(), new RSASSASigner(ourKey));
        assertRejected(() -> tokens.verify(token), ErrorCode.INVALID_SESSION, "critical");
    }

    @Test
    void requiredClaimsMustBePresent() throws Exception {
        for (String claim : List.of("sub", "jti", "sid", "baas_device_id")) {
            JWTClaimsSet without = new JWTClaimsSet.Builder(validClaims()).claim(claim, null).build();
            assertRejected(() -> tokens.verify(signed(without)), ErrorCode.INVALID_SESSION, claim);
        }
        String wrongType = signed(new JWTClaimsSet.Builder(validClaims()).claim("exp", "tomorrow").build());
        assertRejected(() -> tokens.verify(wrongType), ErrorCode.INVALID_SESSION, "exp");
    }

    @Test
    void rejectionMessagesNeverContainTheToken() {
        String token = tokens.issue(user, session).token();
        String expiredCheck = token;
        assertThatThrownBy(() -> tokensAt(T0.plus(Duration.ofHours(2))).verify(expiredCheck))
                .isInstanceOf(AuthException.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).doesNotContain(token.split("\\.")[1]).doesNotContain(token.split("\\.")[2]);
                    assertThat(e.getCause()).isNull();
                });
    }

    // --- helpers ---

    private AccessTokens tokensAt(Instant now) {
        return new AccessTokens(LatchkeyOptions.builder(APP).build(), TokenSettings.DEFAULTS, keys, secrets, at(now));
    }

    private static Clock at(Instant now) {
        return Clock.fixed(now, ZoneOffset.UTC);
    }

    private JWTClaimsSet validClaims() {
        return new JWTClaimsSet.Builder().issuer("latchkey:" + APP).audience(APP).subject("user-1")
                .issueTime(Date.from(T0)).expirationTime(Date.from(T0.plus(Duration.ofMinutes(30))))
                .jwtID("jti-1").claim("sid", "sess-1").claim("baas_device_id", "dev-1").build();
    }

    private String signed(JWTClaimsSet claims) throws Exception {
        return sign(new JWSHeader.Builder(JWSAlgorithm.RS256).type(AccessTokens.TYPE).keyID(ourKey.getKeyID()).build(), claims,
                new RSASSASigner(ourKey));
    }

    private static String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String json(String text) {
        return Base64URL.encode(text.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static void assertRejected(ThrowingCallable call, ErrorCode code, String... messageParts) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AuthException.class, e -> {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            for (String part : messageParts) {
                assertThat(e.getMessage()).contains(part);
            }
        });
    }
}
