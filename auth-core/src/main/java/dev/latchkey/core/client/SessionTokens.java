package dev.latchkey.core.client;

/**
 * The two tokens of a user's session, as an {@link AuthBackend} call needs them: App Services
 * authenticates most calls with the access token, and the API-key and session calls with the
 * refresh token. {@link #toString()} hides both.
 *
 * @param accessToken the access token
 * @param refreshToken the refresh token
 */
public record SessionTokens(String accessToken, String refreshToken) {
    /** Hides both tokens. */
    @Override
    public String toString() {
        return "SessionTokens[(hidden)]";
    }
}
