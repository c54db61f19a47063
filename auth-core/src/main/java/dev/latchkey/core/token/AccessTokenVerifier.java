package dev.latchkey.core.token;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.VerifiedToken;
import dev.latchkey.core.config.TokenSettings;
import dev.latchkey.core.store.Store;
import dev.latchkey.core.store.StoredSession;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code AuthService.verify}: an access token is accepted when {@link AccessTokens} accepts it and
 * its session is open in the store. A token verified before is taken from the
 * {@link VerifiedTokenCache} instead, after the checks that time or a key rotation can change
 * ({@code exp}, {@code iat}, the signing key still ours) and, once {@link TokenSettings#sessionRecheck()}
 * has passed since the store last said so, the session again.
 */
@Singleton
public final class AccessTokenVerifier {
    private final AccessTokens accessTokens;
    private final VerifiedTokenCache verifiedTokens;
    private final SigningKeys signingKeys;
    private final Store store;
    private final TokenSettings tokenSettings;
    private final Clock clock;

    /**
     * Creates the verifier.
     *
     * @param accessTokens checks tokens
     * @param verifiedTokens tokens checked before
     * @param signingKeys our keys
     * @param store the sessions
     * @param tokenSettings the skew and the session recheck interval
     * @param clock the engine's clock
     */
    @Inject
    public AccessTokenVerifier(AccessTokens accessTokens, VerifiedTokenCache verifiedTokens, SigningKeys signingKeys,
                               Store store, TokenSettings tokenSettings, Clock clock) {
        this.accessTokens = accessTokens;
        this.verifiedTokens = verifiedTokens;
        this.signingKeys = signingKeys;
        this.store = store;
        this.tokenSettings = tokenSettings;
        this.clock = clock;
    }

    /**
     * Checks an access token: its form, signature and claims, and that its session is open.
     *
     * @param accessToken the compact JWT
     * @return the verified claims
     * @throws AuthException {@link ErrorCode#MALFORMED} for something that is not a JWT,
     *     {@link ErrorCode#INVALID_SESSION} for a token we do not accept or whose session has ended
     */
    public VerifiedToken verify(String accessToken) {
        if (!verifiedTokens.enabled() || accessToken == null || accessToken.isEmpty()
                || accessToken.length() > AccessTokens.MAX_TOKEN_LENGTH) {
            // Nothing to remember, or nothing worth hashing: the fresh check refuses it with the right code.
            return checkFresh(accessToken, null);
        }
        VerifiedTokenCache.Key key = VerifiedTokenCache.keyOf(accessToken);
        Optional<VerifiedTokenCache.Entry> remembered = verifiedTokens.find(key);
        if (remembered.isPresent()) {
            VerifiedTokenCache.Entry entry = remembered.get();
            Instant now = clock.instant();
            if (stillAcceptable(entry, now)) {
                // A clock stepped back (an NTP correction) would otherwise make "checked a moment ago"
                // "checked in the future", trusted until the clock catches up: by as much as the token's age.
                if (!now.isBefore(entry.sessionCheckedAt())
                        && now.isBefore(entry.sessionCheckedAt().plus(tokenSettings.sessionRecheck()))) {
                    return entry.token();
                }
                long revocationsBefore = verifiedTokens.revocations();
                requireOpenSession(entry.token(), key);
                if (tokenSettings.sessionRecheck().isZero()) {
                    // The default: the store is read every time, so when it was last read does not matter.
                    return entry.token();
                }
                verifiedTokens.remember(key, new VerifiedTokenCache.Entry(entry.token(), entry.kid(), entry.providerType(),
                        entry.subject(), entry.sessionExpiresAt(), now), revocationsBefore);
                return entry.token();
            }
            // Expired, or its key retired: the fresh check gives the reason.
            verifiedTokens.forget(key);
        }
        return checkFresh(accessToken, key);
    }

    /** The checks of a fresh verification that time or a key rotation can change. */
    private boolean stillAcceptable(VerifiedTokenCache.Entry entry, Instant now) {
        VerifiedToken token = entry.token();
        return !token.expiresAt().isBefore(now.minus(tokenSettings.clockSkew()))
                && !token.issuedAt().isAfter(now.plus(tokenSettings.clockSkew()))
                && signingKeys.publicKey(entry.kid()).isPresent();
    }

    private VerifiedToken checkFresh(String accessToken, VerifiedTokenCache.Key key) {
        long revocationsBefore = verifiedTokens.revocations();
        Instant checkedAt = clock.instant();
        AccessTokens.Checked checked = accessTokens.check(accessToken);
        StoredSession session = requireOpenSession(checked.token(), key);
        if (key != null) {
            verifiedTokens.remember(key, new VerifiedTokenCache.Entry(checked.token(), checked.kid(), session.providerType(),
                    session.subject(), session.expiresAt(), checkedAt), revocationsBefore);
        }
        return checked.token();
    }

    private StoredSession requireOpenSession(VerifiedToken token, VerifiedTokenCache.Key key) {
        Optional<StoredSession> session = store.findSession(token.sessionId());
        if (session.isEmpty() || !session.get().userId().equals(token.userId())) {
            if (key != null) {
                verifiedTokens.forget(key);
            }
            throw new AuthException(ErrorCode.INVALID_SESSION, "the access token's session has ended");
        }
        return session.get();
    }
}
