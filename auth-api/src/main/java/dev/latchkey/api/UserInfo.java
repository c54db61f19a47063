package dev.latchkey.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the engine knows about a user: the server-side view, as App Services' user profile
 * endpoint returns it.
 *
 * @param id the user's id, assigned by Latchkey
 * @param type a person or a server
 * @param identities every external account linked to the user, oldest first; never empty
 * @param profile the profile from the identity used at the latest log-in
 * @param customData the custom data the application attached to the user (JSON values)
 * @param disabled whether an administrator disabled the user
 * @param createdAt when the user was created, or null when unknown (a client of a remote server: App Services' profile does not say)
 */
public record UserInfo(String id, UserType type, List<Identity> identities, Profile profile,
                       Map<String, Object> customData, boolean disabled, Instant createdAt) {
    /**
     * Copies the collections; a null profile or custom data becomes empty.
     *
     * @param id see the record description
     * @param type see the record description
     * @param identities see the record description
     * @param profile see the record description
     * @param customData see the record description
     * @param disabled see the record description
     * @param createdAt see the record description
     */
    public UserInfo {
        identities = List.copyOf(identities);
        profile = profile == null ? Profile.EMPTY : profile;
        customData = customData == null ? Map.of() : JsonValues.copyObject(customData, "custom data");
    }

    /**
     * Whether every identity of the user is anonymous (the user can be lost on log-out).
     *
     * @return true for a user that only ever logged in anonymously
     */
    public boolean isAnonymous() {
        return !identities.isEmpty()
                && identities.stream().allMatch(i -> i.providerType().equals(ProviderTypes.ANONYMOUS));
    }
}
