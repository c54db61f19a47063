package dev.latchkey.api;

import java.time.Instant;

/**
 * What a successful log-in or refresh returns: the user, the tokens and their lifetimes.
 * {@link #toString()} never shows a token.
 *
 * @param user the user, as the engine knows it now
 * @param deviceId the device the session belongs to
 * @param sessionId the session's id; it appears in every access token of the session
 * @param accessToken a signed JWT, short-lived; send it to services that check users
 * @param accessTokenExpiresAt when the access token stops being accepted
 * @param refreshToken an opaque secret that gets new access tokens until it expires or is revoked
 * @param refreshTokenExpiresAt when the refresh token (and so the session) ends
 */
public record Session(UserInfo user, String deviceId, String sessionId, String accessToken, Instant accessTokenExpiresAt,
                      String refreshToken, Instant refreshTokenExpiresAt) {

    /** Hides both tokens. */
    @Override
    public String toString() {
        return "Session[user=" + user.id() + ", device=" + deviceId + ", session=" + sessionId
                + ", accessTokenExpiresAt=" + accessTokenExpiresAt + ", refreshTokenExpiresAt=" + refreshTokenExpiresAt + "]";
    }
}
