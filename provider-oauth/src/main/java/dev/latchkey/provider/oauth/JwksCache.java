package dev.latchkey.provider.oauth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import java.math.BigInteger;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;

/**
 * An identity provider's signing keys, from its JWK Set URL (SECURITY.md 6, 7):
 * <ul>
 *   <li>kept for the {@code max-age} of the answer's {@code Cache-Control} (bounded between
 *       {@link #MIN_MAX_AGE} and {@link #MAX_MAX_AGE}; {@link #DEFAULT_MAX_AGE} without one);</li>
 *   <li>fetched again at once for a {@code kid} it does not know (keys rotate), but at most once per
 *       {@code refetchInterval}, so a flood of made-up {@code kid}s costs one request, not one each;</li>
 *   <li>when a fetch fails (down, 5xx, garbage, too large, stalled), the last good keys serve until
 *       they expire; after that, verification fails closed with the fetch's error.</li>
 * </ul>
 * Only RSA keys for RS256 signatures ({@link #isRs256SigningKey}) are kept; an answer without one
 * counts as a failed fetch. Thread-safe; a fetch holds the lock, so log-ins of this provider wait
 * for it (at most the provider's timeout, at most once per refetch interval).
 */
final class JwksCache {
    static final Duration DEFAULT_MAX_AGE = Duration.ofHours(1);
    static final Duration MIN_MAX_AGE = Duration.ofMinutes(1);
    static final Duration MAX_MAX_AGE = Duration.ofDays(1);
    private static final Pattern MAX_AGE = Pattern.compile("max-age\\s*=\\s*(\\d{1,10})");

    private record Keys(Map<String, RSAKey> byKid, Instant expiresAt) {
    }

    private final BackendCalls calls;
    private final HttpUrl uri;
    private final Clock clock;
    private final Duration refetchInterval;
    private Keys keys;
    private Instant lastFetch;
    private AuthException lastFailure;

    JwksCache(BackendCalls calls, HttpUrl uri, Clock clock, Duration refetchInterval) {
        this.calls = calls;
        this.uri = uri;
        this.clock = clock;
        this.refetchInterval = refetchInterval;
    }

    /**
     * The key with this id.
     *
     * @param kid the token header's key id, already checked for shape
     * @return the key
     * @throws AuthException {@link ErrorCode#INVALID_CREDENTIALS} for a key the provider does not
     *     publish; {@link ErrorCode#NETWORK} or {@link ErrorCode#PROVIDER_BACKEND} when no keys can
     *     be had at all
     */
    synchronized RSAKey key(String kid) {
        Instant now = clock.instant();
        if (!fresh(now) && mayFetch(now)) {
            fetch(now);
        }
        RSAKey key = keys == null ? null : keys.byKid().get(kid);
        if (key == null && fresh(now) && mayFetch(now)) {
            fetch(now);
            key = keys.byKid().get(kid);
        }
        if (!fresh(now)) {
            throw lastFailure != null ? lastFailure
                    : new AuthException(ErrorCode.PROVIDER_BACKEND, "the identity provider's signing keys could not be had");
        }
        if (key != null) {
            return key;
        }
        throw new AuthException(ErrorCode.INVALID_CREDENTIALS, "the token is signed with a key the identity provider does not publish");
    }

    private boolean fresh(Instant now) {
        return keys != null && now.isBefore(keys.expiresAt());
    }

    /**
     * Whether a request may go out now: at most one per {@code refetchInterval}, failed ones
     * included (so a flood while the endpoint is down or before any keys are had costs one request
     * per interval, not one each) - except that keys which expired after a good fetch are renewed
     * at once, even when their max-age is shorter than the interval.
     */
    private boolean mayFetch(Instant now) {
        boolean renewalDue = keys != null && lastFailure == null && !fresh(now);
        return renewalDue || lastFetch == null || !now.isBefore(lastFetch.plus(refetchInterval));
    }

    /** Fetches the keys; on failure keeps the old ones (until they expire) and remembers why. */
    private void fetch(Instant now) {
        lastFetch = now;
        try {
            BackendCalls.Reply reply = calls.get(uri);
            if (!reply.ok()) {
                throw new AuthException(ErrorCode.PROVIDER_BACKEND, "the identity provider's key set answered HTTP " + reply.status());
            }
            JWKSet set;
            try {
                set = JWKSet.parse(reply.body().toString());
            } catch (ParseException e) {
                throw new AuthException(ErrorCode.PROVIDER_BACKEND, "the identity provider's key set is not a JWK Set");
            }
            Map<String, RSAKey> byKid = new HashMap<>();
            for (JWK jwk : set.getKeys()) {
                if (jwk instanceof RSAKey rsa && isRs256SigningKey(rsa)) {
                    byKid.put(rsa.getKeyID(), rsa);
                }
            }
            if (byKid.isEmpty()) {
                // An answer with no usable key must not wipe the keys that worked: treat it as a failed fetch.
                throw new AuthException(ErrorCode.PROVIDER_BACKEND, "the identity provider's key set holds no RS256 signing key");
            }
            keys = new Keys(Map.copyOf(byKid), now.plus(maxAge(reply.cacheControl())));
            lastFailure = null;
        } catch (AuthException e) {
            lastFailure = e;
        }
    }

    /**
     * A key an RS256 signature may be checked with: public, with a {@code kid}, at least 2048 bits,
     * for signing ({@code use} absent or {@code sig}; {@code key_ops}, if given, including
     * {@code verify}), and for RS256 ({@code alg} absent or RS256). The key decides the algorithm.
     */
    static boolean isRs256SigningKey(RSAKey rsa) {
        return rsa.getKeyID() != null && !rsa.isPrivate() && saneRsa(rsa)
                && (rsa.getKeyUse() == null || KeyUse.SIGNATURE.equals(rsa.getKeyUse()))
                && (rsa.getKeyOperations() == null || rsa.getKeyOperations().contains(KeyOperation.VERIFY))
                && (rsa.getAlgorithm() == null || JWSAlgorithm.RS256.equals(rsa.getAlgorithm()));
    }

    /** 2048-8192 bits and an odd exponent from 3 to 2^32: larger keys make each check a denial of service, e = 1 forges. */
    private static boolean saneRsa(RSAKey rsa) {
        BigInteger n = rsa.getModulus().decodeToBigInteger();
        BigInteger e = rsa.getPublicExponent().decodeToBigInteger();
        return n.bitLength() >= 2048 && n.bitLength() <= 8192 && e.testBit(0) && e.compareTo(BigInteger.valueOf(3)) >= 0
                && e.bitLength() <= 32;
    }

    static Duration maxAge(String cacheControl) {
        Optional<Duration> declared = Optional.ofNullable(cacheControl).map(MAX_AGE::matcher).filter(Matcher::find)
                .map(m -> Duration.ofSeconds(Long.parseLong(m.group(1))));
        Duration age = declared.orElse(DEFAULT_MAX_AGE);
        if (age.compareTo(MIN_MAX_AGE) < 0) {
            return MIN_MAX_AGE;
        }
        return age.compareTo(MAX_MAX_AGE) > 0 ? MAX_MAX_AGE : age;
    }
}
