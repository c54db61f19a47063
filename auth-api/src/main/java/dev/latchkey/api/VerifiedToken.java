package dev.latchkey.api;

import java.time.Instant;
import java.util.Map;

/**
 * The claims of an access token whose signature, issuer, audience, type, lifetime and session
 * were checked by {@link AuthService#verify(String)}.
 *
 * @param userId the user ({@code sub})
 * @param sessionId the session the token was issued for
 * @param deviceId the device the session belongs to
 * @param tokenId the token's unique id ({@code jti})
 * @param issuer who issued it ({@code iss})
 * @param audience the app it is for ({@code aud})
 * @param issuedAt when it was issued ({@code iat})
 * @param expiresAt when it expires ({@code exp})
 * @param customData the user's custom data when the token was issued ({@code user_data})
 */
public record VerifiedToken(String userId, String sessionId, String deviceId, String tokenId, String issuer,
                            String audience, Instant issuedAt, Instant expiresAt, Map<String, Object> customData) {
    /**
     * Copies the custom data; null becomes empty.
     *
     * @param userId see the record description
     * @param sessionId see the record description
     * @param deviceId see the record description
     * @param tokenId see the record description
     * @param issuer see the record description
     * @param audience see the record description
     * @param issuedAt see the record description
     * @param expiresAt see the record description
     * @param customData see the record description
     */
    public VerifiedToken {
        customData = customData == null ? Map.of() : JsonValues.copyObject(customData, "custom data");
    }
}
