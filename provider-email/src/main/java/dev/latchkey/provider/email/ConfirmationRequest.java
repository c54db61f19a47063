package dev.latchkey.provider.email;

/**
 * What a {@link ConfirmationFunction} is told.
 *
 * @param email the address being registered, as the provider keeps it
 * @param token the secret that confirms it, single use, valid 30 minutes: pass it on only to
 *     the address's owner (in your own mail, SMS, ...)
 * @param tokenId the token's public id
 */
public record ConfirmationRequest(String email, String token, String tokenId) {

    /** Hides the token. */
    @Override
    public String toString() {
        return "ConfirmationRequest[email=" + email + ", tokenId=" + tokenId + "]";
    }
}
