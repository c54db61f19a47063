package dev.latchkey.api;

/**
 * A change of a user of an {@link AuthApp}, delivered to {@link AuthChangeListener}s.
 *
 * @param type what changed
 * @param cause why it changed
 * @param user the user it happened to; its state already reflects the change
 */
public record AuthChange(Type type, Cause cause, User user) {

    /** What changed. */
    public enum Type {
        /** The user logged in (a new session). */
        LOGGED_IN,
        /** The user's session ended; the user stays known to the app. */
        LOGGED_OUT,
        /** The user was removed from the app (or deleted). */
        REMOVED,
        /** The user got a new access token. */
        TOKEN_REFRESHED,
        /** The user's profile or custom data changed. */
        PROFILE_CHANGED,
        /** An identity was linked to the user. */
        LINKED,
        /** The app's current user is now this user. */
        CURRENT_USER_CHANGED
    }

    /** Why it changed. */
    public enum Cause {
        /** A call to {@code logIn}. */
        LOG_IN,
        /** A call to {@code logOut}. */
        LOG_OUT,
        /** The session ended on the server (expired, revoked, user disabled): a refresh was refused. */
        SESSION_ENDED,
        /** A call to {@code removeUser}. */
        REMOVE,
        /** A call to {@code deleteUser}. */
        DELETE,
        /** An access-token refresh. */
        REFRESH,
        /** A call to {@code linkCredentials}. */
        LINK,
        /** A call to {@code switchUser}. */
        SWITCH
    }
}
