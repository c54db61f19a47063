package dev.latchkey.core.client;

import dev.latchkey.api.Identity;
import dev.latchkey.api.Profile;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.UserInfo;
import dev.latchkey.api.UserState;
import dev.latchkey.api.UserType;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Session cache states for tests, each one fully determined by its writer and number, so that
 * whoever reads a file can tell which state it is and rebuild it to compare every field.
 */
final class CacheStates {
    static final String APP_ID = "cache-app";
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private CacheStates() {
    }

    /** The state {@code writer} wrote as its {@code n}th; its device id is {@code writer-n}. */
    static SessionCacheState numbered(String writer, int n) {
        String device = writer + "-" + n;
        UserSnapshot ann = loggedIn("ann-" + writer, device, "access-" + device, "refresh-" + device, T0.plusSeconds(n));
        UserSnapshot bob = loggedOut("bob-" + writer, device);
        // Alternate order and current user, so a torn or mixed file could not pass for a whole one.
        return n % 2 == 0
                ? new SessionCacheState(device, ann.info().id(), List.of(ann, bob))
                : new SessionCacheState(device, ann.info().id(), List.of(bob, ann));
    }

    /** Which writer and number a state read back claims to be, rebuilt from its device id. */
    static SessionCacheState rebuild(SessionCacheState read) {
        String device = read.deviceId();
        int dash = device.lastIndexOf('-');
        return numbered(device.substring(0, dash), Integer.parseInt(device.substring(dash + 1)));
    }

    static UserSnapshot loggedIn(String id, String deviceId, String accessToken, String refreshToken, Instant expiresAt) {
        return new UserSnapshot(UserState.LOGGED_IN, info(id), "test-idp", deviceId, accessToken, expiresAt, refreshToken);
    }

    static UserSnapshot loggedOut(String id, String deviceId) {
        return new UserSnapshot(UserState.LOGGED_OUT, info(id), ProviderTypes.ANONYMOUS, deviceId, null, null, null);
    }

    /** A user with every field of the format filled in. */
    static UserInfo info(String id) {
        Profile full = new Profile("Ann Example", "ann@example.com", "https://example.com/a.png", "Ann", "Example", "female",
                "1990-01-02", 18, 99, Map.of("locale", "en-GB", "quote \"\\ / \u00e9\u2603", "line\nbreak"));
        Profile idpProfile = Profile.builder().email("ann@example.com").build();
        return new UserInfo(id, UserType.NORMAL,
                List.of(new Identity("test-idp", "subject-" + id, idpProfile), Identity.of(ProviderTypes.ANONYMOUS, "anon-" + id)),
                full,
                Map.of("plan", "pro", "seats", 3L, "ratio", 0.5, "trial", false, "tags", List.of("a", "b"),
                        "nested", Map.of("deeper", Map.of("n", -7L)), "nothing", java.util.Collections.singletonMap("x", null)),
                false, T0.minusSeconds(86_400));
    }
}
