package dev.latchkey.testkit.fake;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An application's own token issuer, for the {@code custom-token} provider: mints JWTs with an
 * HS256 secret or an RS256, ES256 or EdDSA (Ed25519) key pair, and serves the public keys as a JWK
 * Set at {@value #JWKS_PATH} on a real loopback socket ({@link JsonEndpointBackend}).
 *
 * <pre>{@code
 * FakeJwtIssuer issuer = FakeJwtIssuer.rs256();
 * settings: "jwkUri": issuer.jwksUri()          // or "publicKeys": [issuer.publicKeyPem()]
 * String token = issuer.mint(FakeJwtIssuer.claims("alice", "my-app", clock.instant()));
 * String odd = issuer.mint(Map.of("jku", "http://evil.example/"), claims);   // any header, signed
 * issuer.rotate();                              // a new current key; the old one stays published
 * issuer.failWith(Failure.SERVER_ERROR);        // the JWK Set answers 500
 * }</pre>
 *
 * <p>Signatures are made with the JDK's own providers ({@code HmacSHA256}, {@code SHA256withRSA},
 * {@code SHA256withECDSA} in the JOSE R||S form, {@code Ed25519}), over the exact header and claims
 * given, so a test can mint what no well-behaved library would (a header whose {@code alg} lies, duplicate
 * claims with {@link #mintRaw(byte[], byte[])}). Nothing is signed by hand-written cryptography.
 * Thread-safe.
 */
public final class FakeJwtIssuer implements FakeBackend {
    /** The path of the JWK Set. */
    public static final String JWKS_PATH = "/.well-known/jwks.json";
    /** How long {@link #claims} makes a token valid. */
    public static final Duration TOKEN_LIFETIME = Duration.ofMinutes(10);

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    /** A signing key and its id. */
    private record Key(String kid, KeyPair pair) {
    }

    private final JWSAlgorithm algorithm;
    private final byte[] secret;
    private final JsonEndpointBackend backend = new JsonEndpointBackend();
    private final List<Key> published = new ArrayList<>();
    private Key current;

    private FakeJwtIssuer(JWSAlgorithm algorithm, byte[] secret) {
        this.algorithm = algorithm;
        this.secret = secret;
        if (secret == null) {
            rotate();
        }
        backend.route(JWKS_PATH, request -> JsonReply.ok(jwks()));
    }

    /**
     * An issuer that signs with a shared secret.
     *
     * @param secret the secret; its UTF-8 bytes are the HMAC key
     * @return the issuer (it has no JWK Set)
     */
    public static FakeJwtIssuer hs256(String secret) {
        return new FakeJwtIssuer(JWSAlgorithm.HS256, Objects.requireNonNull(secret, "secret").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * An issuer with an RSA 2048 key pair.
     *
     * @return the issuer
     */
    public static FakeJwtIssuer rs256() {
        return new FakeJwtIssuer(JWSAlgorithm.RS256, null);
    }

    /**
     * An issuer with an EC P-256 key pair.
     *
     * @return the issuer
     */
    public static FakeJwtIssuer es256() {
        return new FakeJwtIssuer(JWSAlgorithm.ES256, null);
    }

    /**
     * An issuer with an Ed25519 key pair ({@code alg} EdDSA).
     *
     * @return the issuer
     */
    public static FakeJwtIssuer eddsa() {
        return new FakeJwtIssuer(JWSAlgorithm.EdDSA, null);
    }

    /**
     * Claims a provider accepts by default: {@code sub}, {@code aud}, {@code iat} and {@code exp}
     * ({@link #TOKEN_LIFETIME} later). Mutable, in insertion order, to add or remove claims.
     *
     * @param subject the user
     * @param audience the audience, for example the app id
     * @param issuedAt when, usually the engine clock's present
     * @return the claims
     */
    public static Map<String, Object> claims(String subject, String audience, Instant issuedAt) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", subject);
        claims.put("aud", audience);
        claims.put("iat", issuedAt.getEpochSecond());
        claims.put("exp", issuedAt.plus(TOKEN_LIFETIME).getEpochSecond());
        return claims;
    }

    /**
     * The algorithm this issuer signs with.
     *
     * @return {@code HS256}, {@code RS256}, {@code ES256} or {@code EdDSA}
     */
    public String algorithm() {
        return algorithm.getName();
    }

    /**
     * A token: header {@code alg}, {@code typ: JWT} and (for key pairs) the current {@code kid}.
     *
     * @param claims the claims, JSON values only
     * @return the compact token
     */
    public String mint(Map<String, ?> claims) {
        return mint(Map.of(), claims);
    }

    /**
     * A token whose header is the default one with {@code header}'s members added or replaced (a
     * {@code null} value removes a member). The signature is made with this issuer's key whatever
     * the header says.
     *
     * @param header members to add or replace
     * @param claims the claims
     * @return the compact token
     */
    public synchronized String mint(Map<String, ?> header, Map<String, ?> claims) {
        return mintWith(current, header, claims);
    }

    /**
     * A token signed with a key this issuer never publishes: its {@code kid} is unknown.
     *
     * @param claims the claims
     * @return the compact token
     */
    public String mintWithUnpublishedKey(Map<String, ?> claims) {
        requireKeyPair();
        return mintWith(new Key(UUID.randomUUID().toString(), generate(algorithm)), Map.of(), claims);
    }

    /**
     * A token over exact header and claims bytes, signed with the current key: for duplicate
     * claims, bytes that are not UTF-8, hostile nesting.
     *
     * @param header the header bytes
     * @param claims the claims bytes
     * @return the compact token
     */
    public synchronized String mintRaw(byte[] header, byte[] claims) {
        String input = B64URL.encodeToString(header) + "." + B64URL.encodeToString(claims);
        return input + "." + B64URL.encodeToString(sign(current, input.getBytes(StandardCharsets.US_ASCII)));
    }

    /**
     * {@link #mintRaw(byte[], byte[])} with UTF-8 text.
     *
     * @param headerJson the header
     * @param claimsJson the claims
     * @return the compact token
     */
    public String mintRaw(String headerJson, String claimsJson) {
        return mintRaw(headerJson.getBytes(StandardCharsets.UTF_8), claimsJson.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * An HS256 token keyed with any bytes: the "RS256 public key used as an HMAC secret" attack.
     *
     * @param key the HMAC key
     * @param header the whole header
     * @param claims the claims
     * @return the compact token
     */
    public static String hmacSigned(byte[] key, Map<String, ?> header, Map<String, ?> claims) {
        String input = B64URL.encodeToString(GSON.toJson(header).getBytes(StandardCharsets.UTF_8)) + "."
                + B64URL.encodeToString(GSON.toJson(claims).getBytes(StandardCharsets.UTF_8));
        return input + "." + B64URL.encodeToString(hmac(key, input.getBytes(StandardCharsets.US_ASCII)));
    }

    /**
     * An unsigned token: the given header (say {@code alg: none}), the claims, an empty signature.
     *
     * @param header the whole header
     * @param claims the claims
     * @return the compact token, ending in a dot
     */
    public static String unsigned(Map<String, ?> header, Map<String, ?> claims) {
        return B64URL.encodeToString(GSON.toJson(header).getBytes(StandardCharsets.UTF_8)) + "."
                + B64URL.encodeToString(GSON.toJson(claims).getBytes(StandardCharsets.UTF_8)) + ".";
    }

    /**
     * The current public key as PEM ({@code -----BEGIN PUBLIC KEY-----}), for the provider's
     * {@code publicKeys} setting.
     *
     * @return the PEM text
     */
    public synchronized String publicKeyPem() {
        requireKeyPair();
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(current.pair().getPublic().getEncoded());
        return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
    }

    /**
     * The current public key's X.509 encoding, for tests that misuse it (as an HMAC secret, say).
     *
     * @return the DER bytes
     */
    public synchronized byte[] publicKeyDer() {
        requireKeyPair();
        return current.pair().getPublic().getEncoded();
    }

    /**
     * The JWK Set's address, for the provider's {@code jwkUri} setting. Starts the fake.
     *
     * @return for example {@code http://127.0.0.1:54321/.well-known/jwks.json}
     */
    public String jwksUri() {
        requireKeyPair();
        return backend.url(JWKS_PATH);
    }

    /**
     * The JWK Set endpoint, to count requests.
     *
     * @return the backend
     */
    public JsonEndpointBackend backend() {
        return backend;
    }

    /**
     * The current key's id.
     *
     * @return the {@code kid}
     */
    public synchronized String currentKid() {
        requireKeyPair();
        return current.kid();
    }

    /**
     * Makes a new key current and publishes it; older keys stay published.
     *
     * @return the new key's id
     */
    public synchronized String rotate() {
        requireKeyPair();
        current = new Key(UUID.randomUUID().toString(), generate(algorithm));
        published.add(current);
        return current.kid();
    }

    /** Stops publishing every key but the current one. */
    public synchronized void retireOldKeys() {
        published.removeIf(k -> k != current);
    }

    /**
     * The published keys, public parts only, as a JWK Set JSON object with {@code kid},
     * {@code use: sig} and {@code alg}.
     *
     * @return the JWK Set as maps and lists
     */
    public synchronized Map<String, Object> jwks() {
        List<JWK> keys = new ArrayList<>();
        for (Key k : published) {
            keys.add(toJwk(k));
        }
        return new JWKSet(keys).toJSONObject(true);
    }

    @Override
    public void failWith(Failure failure) {
        backend.failWith(failure);
    }

    @Override
    public void reset() {
        backend.reset();
    }

    @Override
    public void close() {
        backend.close();
    }

    @Override
    public String toString() {
        return "FakeJwtIssuer[" + algorithm + ", " + backend + "]";
    }

    private String mintWith(Key key, Map<String, ?> extra, Map<String, ?> claims) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", algorithm.getName());
        header.put("typ", "JWT");
        if (key != null) {
            header.put("kid", key.kid());
        }
        extra.forEach((name, value) -> {
            if (value == null) {
                header.remove(name);
            } else {
                header.put(name, value);
            }
        });
        String input = B64URL.encodeToString(GSON.toJson(header).getBytes(StandardCharsets.UTF_8)) + "."
                + B64URL.encodeToString(GSON.toJson(claims).getBytes(StandardCharsets.UTF_8));
        return input + "." + B64URL.encodeToString(sign(key, input.getBytes(StandardCharsets.US_ASCII)));
    }

    private byte[] sign(Key key, byte[] input) {
        if (secret != null) {
            return hmac(secret, input);
        }
        try {
            if (JWSAlgorithm.RS256.equals(algorithm)) {
                return jca("SHA256withRSA", key, input);
            }
            if (JWSAlgorithm.ES256.equals(algorithm)) {
                return ECDSA.transcodeSignatureToConcat(jca("SHA256withECDSA", key, input), 64);
            }
            return jca("Ed25519", key, input);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a test token failed", e);
        }
    }

    private static byte[] jca(String name, Key key, byte[] input) {
        try {
            Signature signature = Signature.getInstance(name);
            signature.initSign(key.pair().getPrivate());
            signature.update(input);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing a test token failed", e);
        }
    }

    private static byte[] hmac(byte[] key, byte[] input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing a test token failed", e);
        }
    }

    private static KeyPair generate(JWSAlgorithm algorithm) {
        try {
            if (JWSAlgorithm.RS256.equals(algorithm)) {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048);
                return g.generateKeyPair();
            }
            if (JWSAlgorithm.ES256.equals(algorithm)) {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"));
                return g.generateKeyPair();
            }
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("generating a test key failed", e);
        }
    }

    private JWK toJwk(Key key) {
        if (JWSAlgorithm.RS256.equals(algorithm)) {
            return new RSAKey.Builder((RSAPublicKey) key.pair().getPublic()).keyID(key.kid()).keyUse(KeyUse.SIGNATURE)
                    .algorithm(algorithm).build();
        }
        if (JWSAlgorithm.ES256.equals(algorithm)) {
            return new ECKey.Builder(Curve.P_256, (ECPublicKey) key.pair().getPublic()).keyID(key.kid()).keyUse(KeyUse.SIGNATURE)
                    .algorithm(algorithm).build();
        }
        // An Ed25519 SubjectPublicKeyInfo ends with the 32-byte public key (RFC 8410).
        byte[] der = key.pair().getPublic().getEncoded();
        byte[] raw = Arrays.copyOfRange(der, der.length - 32, der.length);
        return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(raw)).keyID(key.kid()).keyUse(KeyUse.SIGNATURE)
                .algorithm(algorithm).build();
    }

    private void requireKeyPair() {
        if (secret != null) {
            throw new IllegalStateException("an HS256 issuer has a shared secret, no public key or JWK Set");
        }
    }
}
