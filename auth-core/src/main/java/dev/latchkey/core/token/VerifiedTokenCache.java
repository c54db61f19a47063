package dev.latchkey.core.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.latchkey.api.VerifiedToken;
import dev.latchkey.core.config.TokenSettings;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Access tokens this engine has verified, so that a token seen again skips the RS256 check and,
 * for a short while, the store (issue #10: a hit costs a SHA-256 and a map lookup, a fresh check an
 * RSA operation and two JSON parses).
 *
 * <p>What makes a remembered token safe to accept again:
 * <ul>
 *   <li><b>Keyed by the token's SHA-256</b>, never by a prefix or a claim: only the very same bytes
 *       hit, and the cache holds no token.</li>
 *   <li><b>Bounded</b> ({@link TokenSettings#verifiedCacheSize()} tokens under 1 KiB, a longer one
 *       weighing one per KiB begun; Caffeine's weight eviction) and <b>expiring with the token</b>: an
 *       entry leaves when its token's {@code exp} (plus the clock skew) passes, and a hit re-checks {@code exp} against the engine's clock,
 *       so a token is never accepted from here after the fresh check would refuse it.</li>
 *   <li><b>Revocation-aware</b>: every write that ends sessions (log-out, revoke, delete or disable
 *       a user, unlink, API-key disable/delete, expiry sweeps) goes through
 *       {@code SessionEndingStore}, which calls {@link #sessionEnded} and its siblings after the store
 *       has changed. They drop the matching entries and advance a revocation counter;
 *       {@link #remember} drops what it has just added if the counter moved while the caller was
 *       checking the session, so a check that raced a revocation cannot leave a revoked token
 *       behind. A hit reads the session from the store again unless the last read is younger
 *       than {@link TokenSettings#sessionRecheck()} (0 by default: always), which is what makes
 *       sessions ended by another engine sharing the store count.</li>
 *   <li><b>Key-aware</b>: the entry records the signing key's id; the caller accepts a hit only
 *       while that key is still one of ours.</li>
 * </ul>
 */
@Singleton
public final class VerifiedTokenCache {
    /**
     * A remembered token.
     *
     * @param token its verified claims
     * @param kid the key that signed it
     * @param providerType the provider of the identity that opened its session
     * @param subject that identity's subject
     * @param sessionExpiresAt when its session ends
     * @param sessionCheckedAt when the store last said the session was open
     */
    public record Entry(VerifiedToken token, String kid, String providerType, String subject, Instant sessionExpiresAt,
                        Instant sessionCheckedAt) {
    }

    /**
     * The SHA-256 of a token, as four longs: cheap to hash and compare, and not the token; with the
     * token's weight, in KiB begun.
     */
    record Key(long a, long b, long c, long d, int weight) {
    }

    /** The token length that counts as one entry of {@link TokenSettings#verifiedCacheSize()}. */
    static final int UNIT = 1024;

    private final Cache<Key, Entry> entries;
    private final AtomicLong revocations = new AtomicLong();
    private final boolean enabled;

    /**
     * Creates the cache.
     *
     * @param settings its size and the token skew
     * @param clock the engine's clock, which decides when a token expires
     */
    @Inject
    public VerifiedTokenCache(TokenSettings settings, Clock clock) {
        this.enabled = settings.verifiedCacheSize() > 0;
        Duration skew = settings.clockSkew();
        this.entries = Caffeine.newBuilder()
                // Weighed, not counted: custom data rides in the token (up to 8 KiB of JSON) and each
                // refresh mints another token, so one user with large custom data could otherwise fill
                // every entry with a copy of it. A token under UNIT characters (ours without custom
                // data are about 800) weighs 1, so the size is still "how many tokens" for most apps.
                .maximumWeight(settings.verifiedCacheSize())
                .weigher((Key key, Entry entry) -> key.weight())
                .expireAfter(new Expiry<Key, Entry>() {
                    @Override
                    public long expireAfterCreate(Key key, Entry entry, long currentTime) {
                        return untilExpiry(entry);
                    }

                    @Override
                    public long expireAfterUpdate(Key key, Entry entry, long currentTime, long currentDuration) {
                        return untilExpiry(entry);
                    }

                    @Override
                    public long expireAfterRead(Key key, Entry entry, long currentTime, long currentDuration) {
                        return currentDuration;
                    }

                    private long untilExpiry(Entry entry) {
                        Duration left = Duration.between(clock.instant(), entry.token().expiresAt().plus(skew));
                        return left.isNegative() ? 0 : left.toNanos();
                    }
                })
                .build();
    }

    /**
     * Whether tokens are remembered at all ({@code verifiedCacheSize} above 0).
     *
     * @return true when the cache is on
     */
    public boolean enabled() {
        return enabled;
    }

    /**
     * The key for a token.
     *
     * @param token the compact JWT, already known to be of sane length
     * @return its SHA-256 as a key
     */
    public static Key keyOf(String token) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        ByteBuffer digest = ByteBuffer.wrap(sha256.digest(token.getBytes(StandardCharsets.UTF_8)));
        int weight = Math.max(1, (token.length() + UNIT - 1) / UNIT);
        return new Key(digest.getLong(), digest.getLong(), digest.getLong(), digest.getLong(), weight);
    }

    /**
     * The entry for a token, if it is remembered.
     *
     * @param key the token's key
     * @return the entry; its token's times and key are for the caller to check
     */
    public Optional<Entry> find(Key key) {
        return Optional.ofNullable(entries.getIfPresent(key));
    }

    /**
     * The revocation counter, read before a caller checks a session so that {@link #remember} can
     * tell whether sessions ended meanwhile.
     *
     * @return the number of session-ending writes seen so far
     */
    public long revocations() {
        return revocations.get();
    }

    /**
     * Remembers a token whose session the caller found open, unless sessions have ended since
     * {@code revocationsBefore} was read: then the entry is dropped again (a miss next time costs a
     * fresh check; a stale hit would accept a revoked token).
     *
     * @param key the token's key
     * @param entry what was verified
     * @param revocationsBefore {@link #revocations()} read before the session was checked
     */
    public void remember(Key key, Entry entry, long revocationsBefore) {
        if (!enabled) {
            return;
        }
        entries.put(key, entry);
        // A revocation that advanced the counter after this read purges after this put, and so sees
        // the entry; one that advanced it before is caught here.
        if (revocations.get() != revocationsBefore) {
            entries.invalidate(key);
        }
    }

    /**
     * Forgets one token (its session was found ended, or its key retired).
     *
     * @param key the token's key
     */
    public void forget(Key key) {
        entries.invalidate(key);
    }

    /**
     * A session has ended.
     *
     * @param sessionId its id
     */
    public void sessionEnded(String sessionId) {
        revoke(e -> e.token().sessionId().equals(sessionId));
    }

    /**
     * Every session of a user has ended (revoked, user deleted or disabled).
     *
     * @param userId the user's id
     */
    public void sessionsOfUserEnded(String userId) {
        revoke(e -> e.token().userId().equals(userId));
    }

    /**
     * Every session opened with an identity has ended (unlinked, API key disabled or deleted,
     * password changed).
     *
     * @param providerType the identity's provider
     * @param subject its subject
     */
    public void sessionsOfIdentityEnded(String providerType, String subject) {
        revoke(e -> e.providerType().equals(providerType) && e.subject().equals(subject));
    }

    /**
     * Sessions that expired by {@code now} were deleted.
     *
     * @param now the sweep's time
     */
    public void expiredSessionsEnded(Instant now) {
        revoke(e -> !e.sessionExpiresAt().isAfter(now));
    }

    private void revoke(Predicate<Entry> ended) {
        // Counter first, purge second: see remember. The purge scans every entry; revocations are
        // rare next to verifications, and a scan of the default 10,000 entries takes well under a
        // millisecond.
        revocations.incrementAndGet();
        entries.asMap().values().removeIf(ended);
    }

    /**
     * How many tokens are remembered now, after pending evictions have run.
     *
     * @return the number of entries
     */
    public long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }
}
