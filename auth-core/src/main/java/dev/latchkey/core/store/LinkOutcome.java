package dev.latchkey.core.store;

/** What {@link Store#linkIdentity} did. */
public enum LinkOutcome {
    /** The identity now belongs to the user. */
    LINKED,
    /** It already did; nothing changed. */
    ALREADY_LINKED,
    /** Another user has it; nothing changed. */
    IN_USE,
    /** The user does not exist; nothing changed. */
    USER_NOT_FOUND
}
