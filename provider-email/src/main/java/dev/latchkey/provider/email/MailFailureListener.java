package dev.latchkey.provider.email;

/**
 * Learns of every mail the provider gave up on, so that a failed confirmation or reset mail is
 * reported (to monitoring, to an admin, to a retry queue of the application's own) rather than
 * lost. Mail is sent off the caller's thread and retried; the listener is called once per mail,
 * after the last attempt, on a mail thread (or on the caller's, for a mail refused as it was
 * submitted because the outbox was closed or its executor full). It should return quickly; an
 * exception it throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface MailFailureListener {
    /**
     * Called once for a mail that was not delivered.
     *
     * @param failure whom it was for, what it was, how often it was tried and why it failed
     */
    void mailFailed(MailFailure failure);
}
