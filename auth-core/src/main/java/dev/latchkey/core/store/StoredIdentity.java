package dev.latchkey.core.store;

import dev.latchkey.api.Identity;
import dev.latchkey.api.Profile;
import java.time.Instant;

/**
 * An identity as stored with its user.
 *
 * @param providerType the provider
 * @param subject the account's id at the provider
 * @param profile the profile from the identity's latest log-in
 * @param linkedAt when the identity joined the user
 * @param lastLoginAt when it was last used to log in (or linked)
 */
public record StoredIdentity(String providerType, String subject, Profile profile, Instant linkedAt, Instant lastLoginAt) {
    /**
     * The API view.
     *
     * @return the identity
     */
    public Identity toIdentity() {
        return new Identity(providerType, subject, profile);
    }
}
