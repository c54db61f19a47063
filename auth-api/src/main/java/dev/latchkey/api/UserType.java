package dev.latchkey.api;

/** App Services' user types. */
public enum UserType {
    /** A person, logged in with credentials. */
    NORMAL,
    /** A server, logged in with a server API key. */
    SERVER
}
