package dev.latchkey.provider.email;

/**
 * Delivers one message, blocking until the server accepted it or refused. A seam for the
 * {@link Outbox}'s tests; production uses {@link SmtpMailSender}.
 */
interface MailSender {
    /**
     * Sends a message.
     *
     * @param message what to send
     * @throws MailDeliveryException when it was not accepted; the exception says whether trying
     *     again could help
     */
    void send(MailMessage message) throws MailDeliveryException;
}
