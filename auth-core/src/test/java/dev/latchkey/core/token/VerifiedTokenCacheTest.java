package dev.latchkey.core.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.api.VerifiedToken;
import dev.latchkey.core.MovingClock;
import dev.latchkey.core.config.TokenSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cache's own rules: bounded, keyed by the whole token, and purged by the kind of ending. */
class VerifiedTokenCacheTest {
    private final MovingClock clock = new MovingClock();

    @Test
    void theCacheHoldsAtMostItsSize() {
        TokenSettings three = new TokenSettings(Duration.ofMinutes(30), Duration.ofDays(60), Duration.ofDays(90),
                Duration.ofSeconds(30), null, 3, Duration.ofSeconds(5));
        VerifiedTokenCache cache = new VerifiedTokenCache(three, clock);
        for (int i = 0; i < 100; i++) {
            cache.remember(VerifiedTokenCache.keyOf("token-" + i), entry("session-" + i), cache.revocations());
        }
        assertThat(cache.size()).isLessThanOrEqualTo(3);
    }

    @Test
    void aLongTokenTakesTheRoomOfOneShortTokenPerKibibyteItHolds() {
        // Custom data rides in the token (up to 8 KiB of JSON), and refreshing mints a new token per call:
        // counted as one entry each, one user's large custom data could fill the cache with verifiedCacheSize
        // copies of it. Weighed by length, the cache holds no more bytes of tokens than that many short ones.
        TokenSettings forty = new TokenSettings(Duration.ofMinutes(30), Duration.ofDays(60), Duration.ofDays(90),
                Duration.ofSeconds(30), null, 40, Duration.ofSeconds(5));
        VerifiedTokenCache cache = new VerifiedTokenCache(forty, clock);
        for (int i = 0; i < 40; i++) {
            cache.remember(VerifiedTokenCache.keyOf(i + "x".repeat(8 * 1024)), entry("session-" + i), cache.revocations());
        }
        assertThat(cache.size()).as("8 KiB tokens in a cache of 40").isLessThanOrEqualTo(40 / 8);
        VerifiedTokenCache shortOnes = new VerifiedTokenCache(forty, clock);
        for (int i = 0; i < 40; i++) {
            shortOnes.remember(VerifiedTokenCache.keyOf("x".repeat(900) + i), entry("session-" + i), shortOnes.revocations());
        }
        assertThat(shortOnes.size()).as("tokens under 1 KiB count once each").isEqualTo(40);
    }

    @Test
    void whatIsRememberedWhileASessionEndsIsDroppedAgain() {
        VerifiedTokenCache cache = new VerifiedTokenCache(TokenSettings.DEFAULTS, clock);
        VerifiedTokenCache.Key key = VerifiedTokenCache.keyOf("token");
        long before = cache.revocations();
        cache.sessionEnded("some other session");
        cache.remember(key, entry("session"), before);
        assertThat(cache.find(key)).isEmpty();
        cache.remember(key, entry("session"), cache.revocations());
        assertThat(cache.find(key)).isPresent();
        assertThat(cache.find(VerifiedTokenCache.keyOf("token "))).isEmpty();
    }

    @Test
    void eachKindOfEndingDropsOnlyItsEntries() {
        VerifiedTokenCache cache = new VerifiedTokenCache(TokenSettings.DEFAULTS, clock);
        VerifiedTokenCache.Key a = remember(cache, "a", "session-a", "user-1", "idp", "ann", 10);
        VerifiedTokenCache.Key b = remember(cache, "b", "session-b", "user-1", "idp", "bob", 100);
        VerifiedTokenCache.Key c = remember(cache, "c", "session-c", "user-2", "api-key", "key-1", 100);
        VerifiedTokenCache.Key d = remember(cache, "d", "session-d", "user-3", "api-key", "key-2", 100);
        cache.expiredSessionsEnded(clock.instant().plusSeconds(10));
        assertThat(cache.find(a)).isEmpty();
        assertThat(cache.find(b)).isPresent();
        cache.sessionsOfIdentityEnded("api-key", "key-1");
        assertThat(cache.find(c)).isEmpty();
        assertThat(cache.find(d)).isPresent();
        cache.sessionsOfUserEnded("user-1");
        assertThat(cache.find(b)).isEmpty();
        assertThat(cache.find(d)).isPresent();
        cache.sessionEnded("session-d");
        assertThat(cache.find(d)).isEmpty();
    }

    private VerifiedTokenCache.Key remember(VerifiedTokenCache cache, String token, String sessionId, String userId,
                                            String providerType, String subject, long sessionSeconds) {
        VerifiedTokenCache.Key key = VerifiedTokenCache.keyOf(token);
        Instant now = clock.instant();
        VerifiedToken claims = new VerifiedToken(userId, sessionId, "device", "jti", "iss", "app", now, now.plusSeconds(1800), Map.of());
        cache.remember(key, new VerifiedTokenCache.Entry(claims, "kid", providerType, subject, now.plusSeconds(sessionSeconds), now),
                cache.revocations());
        return key;
    }

    private VerifiedTokenCache.Entry entry(String sessionId) {
        Instant now = clock.instant();
        VerifiedToken claims = new VerifiedToken("user", sessionId, "device", "jti", "iss", "app", now, now.plusSeconds(1800), Map.of());
        return new VerifiedTokenCache.Entry(claims, "kid", "anon-user", "subject", now.plusSeconds(3600), now);
    }
}
