package dev.latchkey.testkit.fake;

import dev.latchkey.testkit.log.TestSecrets;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An identity provider's signing keys, for fakes: RSA 2048 keys with ids, the public JWK Set a
 * JWKS endpoint serves ({@link #jwks()}, ready for a {@link JsonReply}), and ID tokens signed with
 * the current key ({@link #sign}). Keys rotate on demand; a key signed with but never published
 * makes the "unknown key" case. Tokens are signed by Nimbus, never by hand. Thread-safe.
 *
 * <pre>{@code
 * JwksHost keys = new JwksHost();
 * backend.route("/oauth2/v3/certs", request -> JsonReply.ok(keys.jwks()));
 * String idToken = keys.sign(new JWTClaimsSet.Builder().issuer("https://accounts.google.com")...build());
 * keys.rotate();            // a new current key; the old one stays published
 * keys.retireOldKeys();     // only the current key is published
 * }</pre>
 */
public final class JwksHost {
    private final List<RSAKey> published = new ArrayList<>();
    private RSAKey current;

    /** A host with one fresh key. */
    public JwksHost() {
        rotate();
    }

    /**
     * Makes a new key current and publishes it; older keys stay published.
     *
     * @return the new key's id
     */
    public synchronized String rotate() {
        current = newKey();
        published.add(current);
        return current.getKeyID();
    }

    /** Stops publishing every key but the current one. */
    public synchronized void retireOldKeys() {
        published.removeIf(k -> !k.getKeyID().equals(current.getKeyID()));
    }

    /**
     * The current key's id.
     *
     * @return the {@code kid}
     */
    public synchronized String currentKid() {
        return current.getKeyID();
    }

    /**
     * The current key, private part included, for tests that build hostile tokens from it (an
     * HS256 token keyed with its public bytes, say).
     *
     * @return the key
     */
    public synchronized RSAKey currentKey() {
        return current;
    }

    /**
     * The published keys, public parts only, as a JWK Set JSON object.
     *
     * @return the JWK Set as maps and lists
     */
    public synchronized Map<String, Object> jwks() {
        return new JWKSet(new ArrayList<>(published)).toJSONObject(true);
    }

    /**
     * Signs claims with the current key: RS256, {@code kid} and {@code typ: JWT} in the header.
     *
     * @param claims the claims
     * @return the compact token
     */
    public synchronized String sign(JWTClaimsSet claims) {
        return sign(current, claims);
    }

    /**
     * Signs claims with a key this host never publishes: a token whose {@code kid} is unknown.
     *
     * @param claims the claims
     * @return the compact token
     */
    public String signWithUnpublishedKey(JWTClaimsSet claims) {
        return sign(newKey(), claims);
    }

    private static String sign(RSAKey key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                    .type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new RSASSASigner(key));
            // Signed tokens are bearer credentials (ID tokens, custom JWTs): the scan looks for them whole.
            return TestSecrets.register("a JWT signed by a fake (" + claims.getIssuer() + ")", jwt.serialize());
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a test token failed", e);
        }
    }

    private static RSAKey newKey() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("generating a test key failed", e);
        }
    }
}
