package dev.latchkey.core.client;

import java.util.List;

/**
 * What the session cache holds for one app: its device id, its users most recently active first
 * (logged in or logged out; removed users are not kept) and which of them is current.
 *
 * @param deviceId the app's device id, kept so that one installation stays one device across restarts
 * @param currentUserId the current user's id, or null when there is none; always a logged-in user of {@code users}
 * @param users the users, most recently active first, ids unique
 */
record SessionCacheState(String deviceId, String currentUserId, List<UserSnapshot> users) {
    SessionCacheState {
        users = List.copyOf(users);
    }

    /** A new app's state: a device id and nobody. */
    static SessionCacheState empty(String deviceId) {
        return new SessionCacheState(deviceId, null, List.of());
    }

    /** Hides the tokens (the snapshots hide theirs). */
    @Override
    public String toString() {
        return "SessionCacheState[device=" + deviceId + ", current=" + currentUserId + ", users=" + users + "]";
    }
}
