package dev.latchkey.provider.custom;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetParseException;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The issuer's keys from its JWK Set URL, through Nimbus's {@link JWKSourceBuilder} (SECURITY.md 6, 7):
 * cached for {@code jwksCacheTime}; fetched again at once for an unknown {@code kid}, but rate limited
 * (at most two fetches per {@code jwksRefetchInterval}); when a fetch fails, the last good keys serve
 * for {@code jwksOutageTolerance} after they were fetched, then log-ins fail closed with the fetch's
 * error. Nimbus's sources take the time as an argument: it is the engine's clock here, so tests move it.
 *
 * <p>Only keys fit for one algorithm are kept ({@link #algorithmOf}); an answer without any counts as
 * a failed fetch, so it does not wipe keys that worked.
 */
final class JwkSetKeys {
    private final JWKSetSource<SecurityContext> source;
    private final Clock clock;
    private volatile AuthException lastFailure;

    JwkSetKeys(String jwkUri, OkHttpResourceRetriever retriever, Clock clock, CustomJwtSettings settings) {
        this.clock = clock;
        URLBasedJWKSetSource<SecurityContext> url;
        try {
            url = new URLBasedJWKSetSource<>(URI.create(jwkUri).toURL(), retriever);
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new AuthException(ErrorCode.CONFIGURATION, "providers.custom-token: jwkUri is not a URL");
        }
        long refreshWait = settings.timeout().plusSeconds(2).toMillis();
        JWKSetBasedJWKSource<SecurityContext> built = (JWKSetBasedJWKSource<SecurityContext>) JWKSourceBuilder
                .create(new UsableKeys(url))
                .cache(settings.jwksCacheTime().toMillis(), refreshWait)
                .refreshAheadCache(false)
                .retrying(false)
                .rateLimited(settings.jwksRefetchInterval().toMillis())
                .outageTolerant(settings.jwksOutageTolerance().toMillis())
                .build();
        this.source = built.getJWKSetSource();
    }

    /**
     * The key with this id, and the one algorithm it verifies.
     *
     * @param kid the token's key id, already checked for shape
     * @return the key
     * @throws AuthException INVALID_CREDENTIALS for a key the issuer does not publish; NETWORK,
     *     PROVIDER_BACKEND or RATE_LIMITED when no keys can be had
     */
    PemPublicKeys.VerificationKey key(String kid) {
        long now = clock.millis();
        JWKSet set;
        try {
            set = source.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, null);
        } catch (RateLimitReachedException e) {
            throw failure();
        } catch (KeySourceException e) {
            throw remember(e);
        }
        JWK jwk = set.getKeyByKeyId(kid);
        if (jwk == null) {
            try {
                set = source.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(set), now, null);
                jwk = set.getKeyByKeyId(kid);
            } catch (RateLimitReachedException e) {
                // A flood of made-up key ids: refused without another request.
                jwk = null;
            } catch (KeySourceException e) {
                throw remember(e);
            }
        }
        lastFailure = null;
        if (jwk == null) {
            throw new AuthException(ErrorCode.INVALID_CREDENTIALS, "the token is signed with a key the issuer does not publish");
        }
        try {
            JWSAlgorithm algorithm = algorithmOf(jwk);
            if (JWSAlgorithm.RS256.equals(algorithm)) {
                return new PemPublicKeys.VerificationKey(algorithm, new RSASSAVerifier(jwk.toRSAKey()));
            }
            if (JWSAlgorithm.ES256.equals(algorithm)) {
                return new PemPublicKeys.VerificationKey(algorithm, new ECDSAVerifier(jwk.toECKey()));
            }
            return new PemPublicKeys.VerificationKey(algorithm, new Ed25519Verifier(jwk.toOctetKeyPair()));
        } catch (JOSEException e) {
            throw new AuthException(ErrorCode.PROVIDER_BACKEND, "the issuer's key for this token cannot be used");
        }
    }

    void close() {
        try {
            source.close();
        } catch (IOException e) {
            // Nothing held that matters.
        }
    }

    private AuthException failure() {
        AuthException last = lastFailure;
        return last != null ? last : new AuthException(ErrorCode.PROVIDER_BACKEND, "the issuer's signing keys could not be had");
    }

    private AuthException remember(KeySourceException e) {
        AuthException mapped = map(e);
        lastFailure = mapped;
        return mapped;
    }

    private static AuthException map(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JwksFetchFailure f) {
                return new AuthException(f.code(), f.getMessage());
            }
            if (t instanceof JWKSetParseException) {
                return new AuthException(ErrorCode.PROVIDER_BACKEND, "the token issuer's JWK Set is not a JWK Set with a usable signing key");
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return new AuthException(ErrorCode.NETWORK, "the token issuer's JWK Set could not be had in time");
    }

    /**
     * The one algorithm a published key verifies, or null when it is not fit for any: public, a
     * {@code kid} of a sane shape, for signing ({@code use} absent or {@code sig}; {@code key_ops},
     * if given, including {@code verify}); RSA of 2048+ bits with {@code alg} absent or RS256; EC
     * P-256 with {@code alg} ES256; Ed25519 with {@code alg} EdDSA. The key decides the algorithm.
     */
    static JWSAlgorithm algorithmOf(JWK jwk) {
        if (jwk.isPrivate() || jwk.getKeyID() == null || !Tokens.isSaneKid(jwk.getKeyID())
                || (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse()))
                || (jwk.getKeyOperations() != null && !jwk.getKeyOperations().contains(KeyOperation.VERIFY))) {
            return null;
        }
        if (jwk instanceof RSAKey rsa && PemPublicKeys.saneRsa(rsa.getModulus().decodeToBigInteger(),
                rsa.getPublicExponent().decodeToBigInteger())
                && (rsa.getAlgorithm() == null || JWSAlgorithm.RS256.equals(rsa.getAlgorithm()))) {
            return JWSAlgorithm.RS256;
        }
        if (jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve()) && JWSAlgorithm.ES256.equals(ec.getAlgorithm())) {
            return JWSAlgorithm.ES256;
        }
        if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve()) && JWSAlgorithm.EdDSA.equals(okp.getAlgorithm())) {
            return JWSAlgorithm.EdDSA;
        }
        return null;
    }

    /** The fetched set less the keys fit for nothing; a set with none left is a failed fetch. */
    private static final class UsableKeys implements JWKSetSource<SecurityContext> {
        private final URLBasedJWKSetSource<SecurityContext> url;

        UsableKeys(URLBasedJWKSetSource<SecurityContext> url) {
            this.url = url;
        }

        @Override
        public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator evaluator, long currentTime, SecurityContext context)
                throws KeySourceException {
            JWKSet fetched;
            try {
                fetched = url.getJWKSet(evaluator, currentTime, context);
            } catch (KeySourceException e) {
                throw e;
            } catch (RuntimeException | StackOverflowError e) {
                throw new JWKSetParseException("the JWK Set cannot be read", null);
            }
            List<JWK> usable = new ArrayList<>();
            for (JWK jwk : fetched.getKeys()) {
                if (algorithmOf(jwk) != null) {
                    usable.add(jwk);
                }
            }
            if (usable.isEmpty()) {
                throw new JWKSetParseException("the JWK Set holds no usable signing key", null);
            }
            return new JWKSet(usable);
        }

        @Override
        public void close() throws IOException {
            url.close();
        }
    }
}
