package dev.latchkey.core.store;

import dev.latchkey.api.Identity;
import dev.latchkey.api.Profile;
import dev.latchkey.api.UserInfo;
import dev.latchkey.api.UserType;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A user as stored.
 *
 * @param id the user's id
 * @param type person or server
 * @param createdAt when the user was created
 * @param disabled whether an administrator disabled it
 * @param customData the application's custom data (JSON values)
 * @param identities the linked identities, oldest first
 */
public record StoredUser(String id, UserType type, Instant createdAt, boolean disabled, Map<String, Object> customData,
                         List<StoredIdentity> identities) {
    /** Copies the collections. */
    public StoredUser {
        identities = List.copyOf(identities);
        customData = customData == null ? Map.of() : customData;
    }

    /**
     * The identity used most recently.
     *
     * @return that identity
     */
    public StoredIdentity latestIdentity() {
        return identities.stream().max(Comparator.comparing(StoredIdentity::lastLoginAt)).orElseThrow();
    }

    /**
     * Whether a log-in with this identity would change nothing anyone can see: the identity is
     * this user's, with this very profile, and already the most recently used one (the one whose
     * profile the user shows), so neither its profile nor the choice of latest identity would
     * move. Stores then write nothing for the log-in (see {@link Store#logInIdentity}).
     *
     * @param identity the identity of a log-in
     * @return true when recording the log-in would change nothing visible
     */
    public boolean alreadyShows(Identity identity) {
        StoredIdentity mine = null;
        for (StoredIdentity i : identities) {
            if (i.providerType().equals(identity.providerType()) && i.subject().equals(identity.subject())) {
                mine = i;
            }
        }
        if (mine == null || !mine.profile().equals(identity.profile())) {
            return false;
        }
        for (StoredIdentity other : identities) {
            if (other != mine && !other.lastLoginAt().isBefore(mine.lastLoginAt())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The API view.
     *
     * @return the user as {@link UserInfo}
     */
    public UserInfo toUserInfo() {
        Profile profile = identities.isEmpty() ? Profile.EMPTY : latestIdentity().profile();
        return new UserInfo(id, type, identities.stream().map(StoredIdentity::toIdentity).toList(), profile,
                customData, disabled, createdAt);
    }
}
