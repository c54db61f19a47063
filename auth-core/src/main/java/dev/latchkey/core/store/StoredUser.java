package dev.latchkey.core.store;

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
