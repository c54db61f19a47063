package dev.latchkey.provider.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.testkit.TestClock;
import dev.latchkey.testkit.fake.JsonEndpointBackend;
import dev.latchkey.testkit.fake.JsonReply;
import dev.latchkey.testkit.fake.JwksHost;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * IdTokenVerifier against tokens signed by {@link JwksHost} (Nimbus) and keys served by a real
 * loopback JWKS endpoint (SECURITY.md 1-5, 8-11). Hostile tokens are built by hand where Nimbus
 * would refuse to build them. Every rejection is also checked for not echoing the token.
 */
class IdTokenVerifierTest {
    private static final String ISSUER = "https://issuer.example.test";
    private static final String CLIENT = "our-client-id";
    private static final Duration SKEW = Duration.ofSeconds(60);
    private static final Duration REFETCH = Duration.ofSeconds(30);

    private final TestClock clock = new TestClock();
    /**
     * Shared: an RSA key takes a while to make on a small machine. Tests read its current key
     * afresh; rotating it (one test does) keeps the old keys published, so no test depends on another.
     */
    private static final JwksHost SHARED_HOST = new JwksHost();
    private final JwksHost host = SHARED_HOST;
    private final JsonEndpointBackend jwks = new JsonEndpointBackend()
            .route("/certs", r -> JsonReply.ok(host.jwks()).withHeader("Cache-Control", "max-age=3600"));
    private final BackendCalls calls = new BackendCalls(new OkHttpClient(), "Example", Duration.ofSeconds(1));
    private final IdTokenVerifier verifier = new IdTokenVerifier(
            new JwksCache(calls, HttpUrl.get(jwks.url("/certs")), clock, REFETCH),
            Set.of(ISSUER), Set.of(CLIENT), SKEW, clock, "Example");
    private JsonEndpointBackend attacker;

    @AfterEach
    void close() {
        jwks.close();
        if (attacker != null) {
            attacker.close();
        }
    }

    // --- helpers -------------------------------------------------------------------------------

    private Instant now() {
        return clock.instant();
    }

    private JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(CLIENT).subject("alice")
                .issueTime(Date.from(now())).expirationTime(Date.from(now().plus(Duration.ofMinutes(10))));
    }

    private JWTClaimsSet claims(UnaryOperator<JWTClaimsSet.Builder> change) {
        return change.apply(claims()).build();
    }

    private static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String signed(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) {
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String signedPayload(JWSHeader header, String payload, JWSSigner signer) {
        try {
            JWSObject jws = new JWSObject(header, new Payload(payload));
            jws.sign(signer);
            return jws.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private RSASSASigner publishedSigner() {
        try {
            return new RSASSASigner(host.currentKey());
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private JWSHeader.Builder rs256() {
        return new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(host.currentKid()).type(JOSEObjectType.JWT);
    }

    private static RSAKey attackerKey() {
        try {
            return new RSAKeyGenerator(2048).keyID("attacker-key").keyUse(KeyUse.SIGNATURE).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The token is refused with this code, and the message echoes neither it nor any of its parts. */
    private AuthException rejected(String token, ErrorCode code) {
        Throwable thrown = catchThrowable(() -> verifier.verify(token));
        assertThat(thrown).isInstanceOf(AuthException.class);
        AuthException e = (AuthException) thrown;
        assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
        if (token != null) {
            for (String part : token.split("\\.")) {
                if (part.length() >= 8) {
                    assertThat(e.getMessage()).doesNotContain(part);
                }
            }
        }
        assertThat(e.getMessage()).doesNotContain("127.0.0.1");
        return e;
    }

    // --- the good case -------------------------------------------------------------------------

    @Test
    void a_token_signed_by_a_published_key_for_us_is_accepted() {
        JWTClaimsSet verified = verifier.verify(host.sign(claims().build()));

        assertThat(verified.getSubject()).isEqualTo("alice");
        assertThat(jwks.requestCount()).isEqualTo(1);
    }

    @Test
    void a_token_without_typ_is_accepted() {
        String token = signed(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(host.currentKid()).build(),
                claims().build(), publishedSigner());

        assertThat(verifier.verify(token).getSubject()).isEqualTo("alice");
    }

    @Test
    void key_rotation_a_token_signed_with_a_newly_rotated_key_verifies_after_one_refetch() {
        verifier.verify(host.sign(claims().build()));
        host.rotate();
        clock.advance(REFETCH);

        assertThat(verifier.verify(host.sign(claims().build())).getSubject()).isEqualTo("alice");
        assertThat(jwks.requestCount()).isEqualTo(2);
    }

    // --- SECURITY.md 1-5: algorithm and key ----------------------------------------------------

    @ParameterizedTest(name = "alg {0}")
    @ValueSource(strings = {"none", "None", "NONE"})
    void security1_alg_none_with_an_empty_signature_is_rejected(String alg) {
        String token = b64("{\"alg\":\"" + alg + "\",\"kid\":\"" + host.currentKid() + "\",\"typ\":\"JWT\"}") + "."
                + b64("{\"iss\":\"" + ISSUER + "\",\"aud\":\"" + CLIENT + "\",\"sub\":\"alice\",\"iat\":"
                        + now().getEpochSecond() + ",\"exp\":" + now().plusSeconds(600).getEpochSecond() + "}") + ".";

        // Nimbus reads every spelling of "none" as the unsecured algorithm: not a signed JWT at all.
        rejected(token, ErrorCode.MALFORMED);
        assertThat(jwks.requestCount()).isZero();
    }

    @Test
    void security2_hs256_keyed_with_the_public_key_der_bytes_is_rejected() throws JOSEException {
        byte[] secret = host.currentKey().toRSAPublicKey().getEncoded();
        String token = signed(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(host.currentKid()).type(JOSEObjectType.JWT).build(),
                claims().build(), new MACSigner(secret));

        rejected(token, ErrorCode.INVALID_CREDENTIALS);
        assertThat(jwks.requestCount()).isZero();
    }

    @Test
    void security2_hs256_keyed_with_the_published_jwk_text_is_rejected() throws JOSEException {
        byte[] secret = host.currentKey().toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        String token = signed(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(host.currentKid()).type(JOSEObjectType.JWT).build(),
                claims().build(), new MACSigner(secret));

        rejected(token, ErrorCode.INVALID_CREDENTIALS);
    }

    @ParameterizedTest(name = "alg {0}")
    @ValueSource(strings = {"RS384", "RS512", "PS256", "PS512"})
    void security3_a_header_alg_other_than_rs256_is_rejected_even_with_the_published_key(String alg) {
        String token = signed(new JWSHeader.Builder(JWSAlgorithm.parse(alg)).keyID(host.currentKid()).type(JOSEObjectType.JWT).build(),
                claims().build(), publishedSigner());

        AuthException e = rejected(token, ErrorCode.INVALID_CREDENTIALS);
        assertThat(e.getMessage()).contains("RS256");
        assertThat(jwks.requestCount()).isZero();
    }

    @Test
    void security3_an_rs256_header_over_another_algorithms_signature_is_rejected() {
        String token = signed(new JWSHeader.Builder(JWSAlgorithm.PS256).keyID(host.currentKid()).build(),
                claims().build(), publishedSigner());
        String[] parts = token.split("\\.");
        String relabelled = b64("{\"alg\":\"RS256\",\"kid\":\"" + host.currentKid() + "\"}") + "." + parts[1] + "." + parts[2];

        rejected(relabelled, ErrorCode.INVALID_CREDENTIALS);
    }

    private JsonEndpointBackend attackerServing(RSAKey key) {
        attacker = new JsonEndpointBackend()
                .route("/certs", r -> JsonReply.ok(new com.nimbusds.jose.jwk.JWKSet(key.toPublicJWK()).toJSONObject(true)))
                .route("/cert.pem", r -> JsonReply.ok(java.util.Map.of()));
        return attacker;
    }

    @Test
    void security4_a_jku_header_is_ignored_no_request_goes_there() throws JOSEException {
        RSAKey evil = attackerKey();
        JsonEndpointBackend other = attackerServing(evil);
        String token = signed(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(evil.getKeyID())
                .jwkURL(URI.create(other.url("/certs"))).build(), claims().build(), new RSASSASigner(evil));

        rejected(token, ErrorCode.INVALID_CREDENTIALS);
        assertThat(other.requestCount()).isZero();
    }

    @Test
    void security4_a_jwk_header_is_ignored() throws JOSEException {
        RSAKey evil = attackerKey();
        String token = signed(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(evil.getKeyID())
                .jwk(evil.toPublicJWK()).build(), claims().build(), new RSASSASigner(evil));

        rejected(token, ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void security4_an_x5u_header_is_ignored_no_request_goes_there() throws JOSEException {
        RSAKey evil = attackerKey();
        JsonEndpointBackend other = attackerServing(evil);
        String token = signed(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(evil.getKeyID())
                .x509CertURL(URI.create(other.url("/cert.pem"))).build(), claims().build(), new RSASSASigner(evil));

        rejected(token, ErrorCode.INVALID_CREDENTIALS);
        assertThat(other.requestCount()).isZero();
    }

    @Test
    void security4_jku_jwk_and_x5u_with_a_published_kid_but_the_attackers_signature_are_rejected() throws JOSEException {
        RSAKey evil = attackerKey();
        JsonEndpointBackend other = attackerServing(evil);
        String token = signed(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(host.currentKid())
                .jwkURL(URI.create(other.url("/certs"))).jwk(evil.toPublicJWK())
                .x509CertURL(URI.create(other.url("/cert.pem"))).build(), claims().build(), new RSASSASigner(evil));

        AuthException e = rejected(token, ErrorCode.INVALID_CREDENTIALS);
        assertThat(e.getMessage()).contains("signature");
        assertThat(other.requestCount()).isZero();
    }

    @Test
    void security4_a_jku_header_on_a_token_signed_by_a_published_key_changes_nothing() {
        JsonEndpointBackend other = attackerServing(attackerKey());
        String token = signed(rs256().jwkURL(URI.create(other.url("/certs"))).build(), claims().build(), publishedSigner());

        assertThat(verifier.verify(token).getSubject()).isEqualTo("alice");
        assertThat(other.requestCount()).isZero();
    }

    @ParameterizedTest(name = "kid {0}")
    @ValueSource(strings = {"path", "sql", "10kb", "nul", "empty", "space"})
    void security5_a_kid_of_the_wrong_shape_is_rejected_and_nothing_is_looked_up(String which) {
        String kid = switch (which) {
            case "path" -> "../../../../etc/passwd";
            case "sql" -> "x' OR '1'='1'; DROP TABLE keys;--";
            case "10kb" -> "k".repeat(10_240);
            case "nul" -> host.currentKid() + "\u0000";
            case "empty" -> "";
            default -> host.currentKid() + " ";
        };
        String token = signed(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(JOSEObjectType.JWT).build(),
                claims().build(), publishedSigner());
        assertThat(token.length()).isLessThan(IdTokenVerifier.MAX_TOKEN_LENGTH);

        AuthException e = rejected(token, ErrorCode.INVALID_CREDENTIALS);
        assertThat(e.getMessage()).contains("key id");
        assertThat(jwks.requestCount()).isZero();
    }

    @Test
    void security5_a_missing_kid_is_rejected() {
        String token = signed(new JWSHeader.Builder(JWSAlgorithm.RS256).build(), claims().build(), publishedSigner());

        rejected(token, ErrorCode.INVALID_CREDENTIALS);
        assertThat(jwks.requestCount()).isZero();
    }

    @Test
    void security6_a_flood_of_100_tokens_with_unknown_kids_costs_at_most_one_refetch_per_interval() throws JOSEException {
        verifier.verify(host.sign(claims().build()));
        clock.advance(REFETCH);
        rejected(host.signWithUnpublishedKey(claims().build()), ErrorCode.INVALID_CREDENTIALS);
        RSASSASigner unpublished = new RSASSASigner(attackerKey()); // one key, 99 more made-up kids: cheaper than 99 keys

        for (int i = 1; i < 100; i++) {
            String token = signed(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("unknown-" + i).build(), claims().build(), unpublished);
            rejected(token, ErrorCode.INVALID_CREDENTIALS);
        }

        assertThat(jwks.requestCount()).isEqualTo(2);
    }

    // --- SECURITY.md 8-10: claims --------------------------------------------------------------

    @Test
    void security8_a_missing_exp_is_rejected() {
        rejected(host.sign(claims(c -> c.expirationTime(null))), ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void security8_exp_past_beyond_the_skew_is_rejected() {
        rejected(host.sign(claims(c -> c.expirationTime(Date.from(now().minus(SKEW).minusSeconds(1))))),
                ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void security8_a_token_expires_as_the_clock_moves_past_exp_and_skew() {
        String token = host.sign(claims().build());
        verifier.verify(token);

        clock.advance(Duration.ofMinutes(10).plus(SKEW));

        assertThat(rejected(token, ErrorCode.INVALID_CREDENTIALS).getMessage()).contains("expired");
    }

    @Test
    void security8_exp_past_within_the_skew_is_accepted() {
        String token = host.sign(claims(c -> c.issueTime(Date.from(now().minusSeconds(600)))
                .expirationTime(Date.from(now().minus(SKEW).plusSeconds(1)))));

        assertThat(verifier.verify(token).getSubject()).isEqualTo("alice");
    }

    @Test
    void security8_nbf_in_the_future_beyond_the_skew_is_rejected() {
        rejected(host.sign(claims(c -> c.notBeforeTime(Date.from(now().plus(SKEW).plusSeconds(1))))),
                ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void security8_nbf_in_the_future_within_the_skew_is_accepted() {
        assertThat(verifier.verify(host.sign(claims(c -> c.notBeforeTime(Date.from(now().plus(SKEW))))))
                .getSubject()).isEqualTo("alice");
    }

    @Test
    void security8_iat_in_the_future_beyond_the_skew_is_rejected() {
        rejected(host.sign(claims(c -> c.issueTime(Date.from(now().plus(SKEW).plusSeconds(1))))),
                ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void security8_iat_in_the_future_within_the_skew_is_accepted() {
        assertThat(verifier.verify(host.sign(claims(c -> c.issueTime(Date.from(now().plus(SKEW))))))
                .getSubject()).isEqualTo("alice");
    }

    @Test
    void security8_a_missing_iat_is_rejected() {
        rejected(host.sign(claims(c -> c.issueTime(null))), ErrorCode.INVALID_CREDENTIALS);
    }

    @ParameterizedTest(name = "iss [{0}]")
    @ValueSource(strings = {"https://evil.example.test", "https://issuer.example.test/", "HTTPS://ISSUER.EXAMPLE.TEST", ""})
    void security9_a_wrong_iss_is_rejected(String iss) {
        AuthException e = rejected(host.sign(claims(c -> c.issuer(iss))), ErrorCode.INVALID_CREDENTIALS);
        assertThat(e.getMessage()).contains("issued by someone else");
    }

    @Test
    void security9_a_missing_iss_is_rejected() {
        rejected(host.sign(claims(c -> c.issuer(null))), ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void security9_an_aud_of_another_client_is_rejected() {
        AuthException e = rejected(host.sign(claims(c -> c.audience("another-client-id"))), ErrorCode.INVALID_CREDENTIALS);
        assertThat(e.getMessage()).contains("another client id");
    }

    @Test
    void security9_a_missing_aud_is_rejected() {
        rejected(host.sign(claims(c -> c.audience((String) null))), ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void security9_an_aud_list_that_contains_our_client_id_is_accepted() {
        assertThat(verifier.verify(host.sign(claims(c -> c.audience(List.of("another-client-id", CLIENT)))))
                .getSubject()).isEqualTo("alice");
    }

    @Test
    void security10_another_issuers_token_signed_by_a_published_key_is_rejected_by_iss() {
        String token = host.sign(claims(c -> c.issuer("https://other-issuer.example.test")));

        AuthException e = rejected(token, ErrorCode.INVALID_CREDENTIALS);
        assertThat(e.getMessage()).contains("issued by someone else");
    }

    @ParameterizedTest(name = "typ {0}")
    @ValueSource(strings = {"at+jwt", "refresh", "JWE"})
    void security10_a_typ_other_than_jwt_is_rejected(String typ) {
        String token = signed(rs256().type(new JOSEObjectType(typ)).build(), claims().build(), publishedSigner());

        rejected(token, ErrorCode.INVALID_CREDENTIALS);
    }

    @ParameterizedTest(name = "sub [{0}]")
    @ValueSource(strings = {"", "  ", "NULL", "LONG"})
    void a_missing_blank_or_overlong_subject_is_rejected(String sub) {
        String subject = switch (sub) {
            case "NULL" -> null;
            case "LONG" -> "s".repeat(256);
            default -> sub;
        };
        rejected(host.sign(claims(c -> c.subject(subject))), ErrorCode.INVALID_CREDENTIALS);
    }

    // --- SECURITY.md 11: shape -----------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"two", "four", "five"})
    void security11_a_wrong_number_of_segments_is_MALFORMED_with_that_message(String which) {
        String[] parts = host.sign(claims().build()).split("\\.");
        String token = switch (which) {
            case "two" -> parts[0] + "." + parts[1];
            case "four" -> parts[0] + "." + parts[1] + "." + parts[2] + "." + parts[2];
            default -> parts[0] + "." + parts[1] + "." + parts[2] + ".." + parts[2];
        };

        AuthException e = rejected(token, ErrorCode.MALFORMED);
        assertThat(e.getMessage()).isEqualTo("token contains an invalid number of segments");
        assertThat(jwks.requestCount()).isZero();
    }

    @Test
    void security11_a_null_or_empty_token_is_MALFORMED() {
        rejected(null, ErrorCode.MALFORMED);
        rejected("", ErrorCode.MALFORMED);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"!!!!.@@@@.####", "..", "eyJ.eyJ.sig", "e30.e30.", "a b.c d.e f"})
    void security11_bad_base64url_is_MALFORMED(String token) {
        rejected(token, ErrorCode.MALFORMED);
        assertThat(jwks.requestCount()).isZero();
    }

    @Test
    void security11_a_header_that_is_not_utf8_is_MALFORMED() {
        byte[] header = {(byte) 0xff, (byte) 0xfe, (byte) 0xfd, (byte) 0xc3, (byte) 0x28};
        String token = b64(header) + "." + b64("{}") + "." + b64("sig");

        rejected(token, ErrorCode.MALFORMED);
        assertThat(jwks.requestCount()).isZero();
    }

    @Test
    void security11_a_header_with_invalid_utf8_inside_a_string_is_MALFORMED() {
        byte[] start = ("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + host.currentKid()).getBytes(StandardCharsets.UTF_8);
        byte[] end = "\"}".getBytes(StandardCharsets.UTF_8);
        byte[] header = new byte[start.length + 2 + end.length];
        System.arraycopy(start, 0, header, 0, start.length);
        header[start.length] = (byte) 0xc3;
        header[start.length + 1] = (byte) 0x28;
        System.arraycopy(end, 0, header, start.length + 2, end.length);
        String token = b64(header) + "." + b64("{}") + "." + b64("sig");

        rejected(token, ErrorCode.MALFORMED);
        assertThat(jwks.requestCount()).isZero();
    }

    @Test
    void security11_claims_that_are_not_utf8_in_a_signed_token_are_MALFORMED() {
        String claims = claims().build().toString();
        byte[] text = claims.replace("\"alice\"", "\"al\u0001ice\"").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < text.length; i++) {
            if (text[i] == 1) {
                text[i] = (byte) 0xff;
            }
        }
        String token = signedBytes(rs256().build(), text, publishedSigner());

        rejected(token, ErrorCode.MALFORMED);
    }

    private static String signedBytes(JWSHeader header, byte[] payload, JWSSigner signer) {
        try {
            JWSObject jws = new JWSObject(header, new Payload(payload));
            jws.sign(signer);
            return jws.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void security11_a_header_with_a_duplicate_member_is_MALFORMED() {
        String[] parts = host.sign(claims().build()).split("\\.");
        String header = b64("{\"alg\":\"RS256\",\"kid\":\"" + host.currentKid() + "\",\"alg\":\"none\"}");

        rejected(header + "." + parts[1] + "." + parts[2], ErrorCode.MALFORMED);
    }

    @Test
    void security11_duplicate_claims_in_a_signed_token_are_MALFORMED() {
        String payload = "{\"iss\":\"" + ISSUER + "\",\"aud\":\"" + CLIENT + "\",\"sub\":\"alice\",\"sub\":\"mallory\",\"iat\":"
                + now().getEpochSecond() + ",\"exp\":" + now().plusSeconds(600).getEpochSecond() + "}";

        rejected(signedPayload(rs256().build(), payload, publishedSigner()), ErrorCode.MALFORMED);
    }

    @Test
    void security11_claims_that_are_not_a_json_object_in_a_signed_token_are_MALFORMED() {
        rejected(signedPayload(rs256().build(), "[\"alice\"]", publishedSigner()), ErrorCode.MALFORMED);
    }

    @Test
    void security11_a_header_that_is_not_a_json_object_is_MALFORMED() {
        String[] parts = host.sign(claims().build()).split("\\.");

        rejected(b64("[\"RS256\"]") + "." + parts[1] + "." + parts[2], ErrorCode.MALFORMED);
    }

    @Test
    void security11_a_one_megabyte_token_is_MALFORMED_before_parsing() {
        String[] parts = host.sign(claims().build()).split("\\.");
        String token = parts[0] + "." + "A".repeat(1_000_000) + "." + parts[2];

        rejected(token, ErrorCode.MALFORMED);
        assertThat(jwks.requestCount()).isZero();
    }

    @Test
    void security11_a_header_nested_ten_thousand_deep_is_MALFORMED() {
        String deep = "{\"alg\":\"RS256\",\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
        String[] parts = host.sign(claims().build()).split("\\.");

        rejected(b64(deep) + "." + parts[1] + "." + parts[2], ErrorCode.MALFORMED);
        assertThat(jwks.requestCount()).isZero();
    }

    @Test
    void security11_a_header_nested_deep_but_within_the_length_limit_is_MALFORMED() {
        String deep = "{\"alg\":\"RS256\",\"x\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}";
        String[] parts = host.sign(claims().build()).split("\\.");
        String token = b64(deep) + "." + parts[1] + "." + parts[2];
        assertThat(token.length()).isLessThan(IdTokenVerifier.MAX_TOKEN_LENGTH);

        rejected(token, ErrorCode.MALFORMED);
        assertThat(jwks.requestCount()).isZero();
    }

    @Test
    void security11_claims_nested_deep_in_a_signed_token_are_MALFORMED() {
        String payload = "{\"iss\":\"" + ISSUER + "\",\"aud\":\"" + CLIENT + "\",\"sub\":\"alice\",\"iat\":"
                + now().getEpochSecond() + ",\"exp\":" + now().plusSeconds(600).getEpochSecond()
                + ",\"x\":" + "[".repeat(4_500) + "]".repeat(4_500) + "}";
        String token = signedPayload(rs256().build(), payload, publishedSigner());
        assertThat(token.length()).isLessThan(IdTokenVerifier.MAX_TOKEN_LENGTH);

        rejected(token, ErrorCode.MALFORMED);
    }

    @Test
    void anAudienceListHoldingANullIsRefusedNotACrash() {
        String token = signed(rs256().build(), claims(b -> b.audience(java.util.Arrays.asList(null, CLIENT))), publishedSigner());
        rejected(token, ErrorCode.INVALID_CREDENTIALS);
        rejected(signed(rs256().build(), claims(b -> b.audience(List.of())), publishedSigner()), ErrorCode.INVALID_CREDENTIALS);
    }
}
