package dev.latchkey.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.core.config.TokenSettings;
import dev.latchkey.core.store.Store;
import dev.latchkey.core.store.StoredSigningKey;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The RSA keys that sign access tokens. Generated on first use and kept in the store, so every
 * engine sharing the store signs and verifies with the same keys. The newest key signs; it is
 * replaced when older than {@link TokenSettings#signingKeyRotation()} or on
 * {@link #rotate()}; a replaced key stays published until every token it signed has expired,
 * then it is deleted.
 */
@Singleton
public final class SigningKeys {
    private static final System.Logger LOG = System.getLogger(SigningKeys.class.getName());
    /** How often an unknown kid may make us re-read the store (another engine may have rotated). */
    private static final Duration RELOAD_INTERVAL = Duration.ofSeconds(5);
    /** How often signing re-reads the store: to sign with a key another engine made, and to prune retired keys. */
    private static final Duration REFRESH_INTERVAL = Duration.ofMinutes(1);
    /**
     * How long a new key is published before it signs. Every engine sharing the store that meets
     * its kid then re-reads the store (its last read, at most {@link #RELOAD_INTERVAL} earlier,
     * predates the key only if the key is younger than that), so no engine refuses the first
     * tokens a new key signs.
     */
    static final Duration ACTIVATION_DELAY = REFRESH_INTERVAL;

    private final Store store;
    private final Clock clock;
    private final TokenSettings settings;
    private final Secrets secrets;
    private final SecureRandom random;

    private volatile List<Loaded> keys = List.of();
    private Instant lastReload = Instant.MIN;

    /** A parsed key with its signer and public key, built once: both are costly to set up per token. */
    private record Loaded(StoredSigningKey stored, RSAKey key, RSASSASigner signer, RSAPublicKey publicKey) {
    }

    /**
     * The key that signs new tokens.
     *
     * @param kid its key id, for the token header
     * @param signer signs with it
     */
    public record ActiveKey(String kid, JWSSigner signer) {
    }

    /**
     * Creates the key ring.
     *
     * @param store where keys are kept
     * @param clock the engine's clock
     * @param settings token settings (rotation age, lifetimes)
     * @param secrets id generator
     * @param random randomness for key generation
     */
    @Inject
    public SigningKeys(Store store, Clock clock, TokenSettings settings, Secrets secrets, SecureRandom random) {
        this.store = store;
        this.clock = clock;
        this.settings = settings;
        this.secrets = secrets;
        this.random = random;
    }

    /**
     * The key to sign with now: generated when there is none or the newest is due for rotation.
     *
     * @return the signing key
     */
    public synchronized ActiveKey current() {
        Instant now = clock.instant();
        if (keys.isEmpty() || !now.isBefore(lastReload.plus(REFRESH_INTERVAL))) {
            reload();
        }
        Loaded newest = keys.isEmpty() ? null : keys.get(keys.size() - 1);
        if (newest == null || !newest.stored().createdAt().plus(settings.signingKeyRotation()).isAfter(now)) {
            generate(now);
        }
        Loaded active = active(now);
        return new ActiveKey(active.stored().kid(), active.signer());
    }

    /**
     * The newest key published for at least {@link #ACTIVATION_DELAY}; when none is that old (a
     * new store), the oldest, so engines starting together on an empty store agree on one key.
     */
    private Loaded active(Instant now) {
        for (int i = keys.size() - 1; i >= 0; i--) {
            if (!keys.get(i).stored().createdAt().plus(ACTIVATION_DELAY).isAfter(now)) {
                return keys.get(i);
            }
        }
        return keys.get(0);
    }

    /**
     * Publishes a new signing key now; it signs from {@link #ACTIVATION_DELAY} later, and the old
     * ones stay published until their tokens expire.
     */
    public synchronized void rotate() {
        generate(clock.instant());
    }

    /**
     * A key that may have signed a token. Re-reads the store (at most every few seconds) when the
     * kid is unknown, because another engine sharing the store may have rotated.
     *
     * @param kid the token's key id, already checked to be well formed
     * @return the key's public half, or empty
     */
    public Optional<RSAPublicKey> publicKey(String kid) {
        Optional<RSAPublicKey> known = lookup(kid);
        if (known.isPresent()) {
            return known;
        }
        synchronized (this) {
            Instant now = clock.instant();
            if (now.isBefore(lastReload.plus(RELOAD_INTERVAL))) {
                return lookup(kid);
            }
            reload();
            return lookup(kid);
        }
    }

    /**
     * The public keys as a JWK Set, for anyone verifying access tokens.
     *
     * @return the JWK Set JSON; never contains a private part
     */
    public String publicJwks() {
        current();
        List<JWK> publicKeys = new ArrayList<>();
        for (Loaded k : keys) {
            publicKeys.add(k.key().toPublicJWK());
        }
        return new JWKSet(publicKeys).toString(true);
    }

    private Optional<RSAPublicKey> lookup(String kid) {
        for (Loaded k : keys) {
            if (k.stored().kid().equals(kid)) {
                return Optional.of(k.publicKey());
            }
        }
        return Optional.empty();
    }

    private void generate(Instant now) {
        String kid = secrets.newToken().substring(0, 22);
        RSAKey key;
        try {
            key = new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                    .secureRandom(random).generate();
        } catch (JOSEException e) {
            throw new AuthException(ErrorCode.INTERNAL, "could not generate an RSA signing key", e);
        }
        store.addSigningKey(new StoredSigningKey(kid, key.toJSONString(), now));
        LOG.log(System.Logger.Level.INFO, "generated access-token signing key {0}", kid);
        reload();
    }

    /** Reads the keys from the store and deletes those whose every token has expired. */
    private void reload() {
        Instant now = clock.instant();
        lastReload = now;
        List<StoredSigningKey> stored = store.signingKeys();
        // A key is retired once a newer one has been published for ACTIVATION_DELAY; its tokens live
        // at most accessTokenTtl after that, plus the time an engine sharing the store may go on
        // signing with it before it re-reads keys.
        Duration grace = ACTIVATION_DELAY.plus(settings.accessTokenTtl()).plus(settings.clockSkew()).plus(REFRESH_INTERVAL);
        List<Loaded> loaded = new ArrayList<>();
        for (int i = 0; i < stored.size(); i++) {
            StoredSigningKey k = stored.get(i);
            boolean retiredLongAgo = i + 1 < stored.size() && stored.get(i + 1).createdAt().plus(grace).isBefore(now);
            if (retiredLongAgo) {
                store.deleteSigningKey(k.kid());
                continue;
            }
            loaded.add(load(k));
        }
        keys = List.copyOf(loaded);
    }

    private Loaded load(StoredSigningKey stored) {
        for (Loaded k : keys) {
            if (k.stored().kid().equals(stored.kid())) {
                return k;
            }
        }
        try {
            RSAKey key = RSAKey.parse(stored.jwk());
            return new Loaded(stored, key, new RSASSASigner(key), key.toRSAPublicKey());
        } catch (ParseException | JOSEException e) {
            throw new AuthException(ErrorCode.INTERNAL, "signing key " + stored.kid() + " in the store is unreadable");
        }
    }
}
