package dev.latchkey.api;

/**
 * Receives {@link AuthChange}s. Calls come from Latchkey's event thread, in order per user,
 * never while Latchkey holds a lock: a listener may call back into the app (read
 * {@link AuthApp#currentUser()}, log in). A listener that throws is logged and skipped; other
 * listeners still get the change. A listener may be told of one cause more than once.
 */
@FunctionalInterface
public interface AuthChangeListener {

    /**
     * Called for each change.
     *
     * @param change what changed, for which user, and why
     */
    void onChange(AuthChange change);
}
