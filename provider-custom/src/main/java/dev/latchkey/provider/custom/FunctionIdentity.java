package dev.latchkey.provider.custom;

/**
 * What an {@link AuthFunction} (or the webhook's {@code {"id": ..., "name": ...}}) answers: the
 * account a payload proves. The provider checks it, not this record: an id must be 1-255
 * characters without control characters, a name at most 255 characters without control
 * characters; anything else refuses the log-in with INVALID_CREDENTIALS.
 *
 * @param id the account's id in the application's own system: stable per account; it becomes the
 *     identity's subject, so it must not be a secret
 * @param name a display name for the user's profile, or null
 */
public record FunctionIdentity(String id, String name) {

    /**
     * An account without a name.
     *
     * @param id the account's id
     * @return the result
     */
    public static FunctionIdentity of(String id) {
        return new FunctionIdentity(id, null);
    }

    /**
     * An account with a display name.
     *
     * @param id the account's id
     * @param name the display name
     * @return the result
     */
    public static FunctionIdentity of(String id, String name) {
        return new FunctionIdentity(id, name);
    }
}
