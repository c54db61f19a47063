package dev.latchkey.api;

/** Where a {@link User} of an {@link AuthApp} stands; the Realm SDKs' three states. */
public enum UserState {
    /** The user has a valid refresh token; calls on the user's behalf work. */
    LOGGED_IN,
    /** The user's session ended (log-out, expiry, revocation); the user is still known to the app. */
    LOGGED_OUT,
    /** The user was removed from the app (or deleted); the object is dead. */
    REMOVED
}
