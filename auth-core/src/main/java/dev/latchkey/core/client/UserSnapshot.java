package dev.latchkey.core.client;

import dev.latchkey.api.Session;
import dev.latchkey.api.UserInfo;
import dev.latchkey.api.UserState;
import java.time.Instant;

/** One consistent view of a user of the app; replaced whole, never changed. Tokens are null unless logged in. */
record UserSnapshot(UserState state, UserInfo info, String providerType, String deviceId, String accessToken,
                    Instant accessTokenExpiresAt, String refreshToken) {

    static UserSnapshot loggedIn(Session session, String providerType) {
        return new UserSnapshot(UserState.LOGGED_IN, session.user(), providerType, session.deviceId(), session.accessToken(),
                session.accessTokenExpiresAt(), session.refreshToken());
    }

    UserSnapshot refreshed(Session session) {
        return new UserSnapshot(state, session.user(), providerType, deviceId, session.accessToken(),
                session.accessTokenExpiresAt(), refreshToken);
    }

    UserSnapshot withInfo(UserInfo newInfo) {
        return new UserSnapshot(state, newInfo, providerType, deviceId, accessToken, accessTokenExpiresAt, refreshToken);
    }

    UserSnapshot ended(UserState newState) {
        return new UserSnapshot(newState, info, providerType, deviceId, null, null, null);
    }

    /** Hides the tokens. */
    @Override
    public String toString() {
        return "UserSnapshot[" + state + ", user=" + info.id() + "]";
    }
}
