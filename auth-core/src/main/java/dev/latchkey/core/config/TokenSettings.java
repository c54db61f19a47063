package dev.latchkey.core.config;

import java.time.Duration;

/**
 * How tokens are issued.
 *
 * @param accessTokenTtl lifetime of an access token (default 30 minutes; 1 minute to 24 hours)
 * @param refreshTokenTtl lifetime of a refresh token, which is the session's lifetime (default 60
 *     days; 30 minutes to 180 days)
 * @param signingKeyRotation age after which a new signing key is generated (default 90 days; at
 *     least 1 hour)
 * @param clockSkew tolerance for clocks that disagree when checking token times (default 30
 *     seconds; at most 5 minutes)
 * @param issuer the {@code iss} claim, or null for {@code "latchkey:<appId>"}
 * @param verifiedCacheSize how many verified access tokens the engine remembers, so that checking
 *     one again skips the signature (default 10,000; 0 turns the cache off; at most 1,000,000). A token
 *     longer than 1 KiB (large custom data) counts once per KiB begun, so the memory it takes is
 *     bounded by this many short tokens whatever users' custom data holds
 * @param sessionRecheck how long a remembered token's session is trusted to be open without
 *     asking the store again (default 0: every {@code verify} reads the session, so a session ended
 *     by any engine sharing the store is refused at once; at most 5 minutes). Sessions ended
 *     through this engine drop their tokens at once whatever it says; above 0 it bounds how late
 *     this engine sees a session that another engine sharing the store has ended, and spares the
 *     store read on every {@code verify}.
 */
public record TokenSettings(Duration accessTokenTtl, Duration refreshTokenTtl, Duration signingKeyRotation,
                            Duration clockSkew, String issuer, int verifiedCacheSize, Duration sessionRecheck) {
    static final Duration MIN_ACCESS_TTL = Duration.ofMinutes(1);
    static final Duration MAX_ACCESS_TTL = Duration.ofHours(24);
    static final Duration MIN_REFRESH_TTL = Duration.ofMinutes(30);
    static final Duration MAX_REFRESH_TTL = Duration.ofDays(180);
    static final Duration MIN_KEY_ROTATION = Duration.ofHours(1);
    static final Duration MAX_SKEW = Duration.ofMinutes(5);
    static final int MAX_VERIFIED_CACHE_SIZE = 1_000_000;
    static final Duration MAX_SESSION_RECHECK = Duration.ofMinutes(5);

    /** The defaults of DESIGN.md §4. */
    public static final TokenSettings DEFAULTS = new TokenSettings(Duration.ofMinutes(30), Duration.ofDays(60),
            Duration.ofDays(90), Duration.ofSeconds(30), null, 10_000, Duration.ZERO);

    /**
     * The issuer for an app.
     *
     * @param appId the app's id
     * @return the configured issuer, or {@code "latchkey:<appId>"}
     */
    public String issuerFor(String appId) {
        return issuer != null ? issuer : "latchkey:" + appId;
    }
}
