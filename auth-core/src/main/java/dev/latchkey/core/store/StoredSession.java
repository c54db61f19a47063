package dev.latchkey.core.store;

import java.time.Instant;

/**
 * A session: what a refresh token stands for. Only the token's hash is stored.
 *
 * @param id the session's id
 * @param userId its user
 * @param deviceId its device
 * @param providerType the provider of the identity that opened the session
 * @param subject the subject of that identity, so revoking the identity (a deleted API key) ends its sessions
 * @param refreshTokenHash SHA-256 of the refresh token, base64url
 * @param createdAt when it began
 * @param expiresAt when the refresh token expires
 */
public record StoredSession(String id, String userId, String deviceId, String providerType, String subject,
                            String refreshTokenHash, Instant createdAt, Instant expiresAt) {
}
