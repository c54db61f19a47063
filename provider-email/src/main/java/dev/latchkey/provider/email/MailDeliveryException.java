package dev.latchkey.provider.email;

import java.util.OptionalInt;

/**
 * A mail was not delivered. The message is a safe reason made by this package: what went wrong in
 * our own words, exception class names and the SMTP reply code. It never holds the mail's body,
 * the password, or a library's message, which can quote what the server answered and so what we
 * sent (GreenMail, for one, echoes a malformed AUTH line, credentials included). For the same
 * reason the library's exception is not kept as the cause.
 */
final class MailDeliveryException extends Exception {
    private static final long serialVersionUID = 1L;

    /** 0 when there was none: SMTP reply codes run from 200 to 599. */
    private final int replyCode;
    private final boolean permanent;

    /**
     * @param reason the safe reason
     * @param replyCode the SMTP reply code, or null when there was none
     * @param permanent whether sending the same mail again cannot succeed (a 5xx answer, a rejected
     *     log-in, an invalid address)
     */
    MailDeliveryException(String reason, Integer replyCode, boolean permanent) {
        super(reason, null, false, true);
        this.replyCode = replyCode == null ? 0 : replyCode;
        this.permanent = permanent;
    }

    /**
     * The SMTP server's reply code, when the failure came with one.
     *
     * @return the code, e.g. 550
     */
    OptionalInt replyCode() {
        return replyCode == 0 ? OptionalInt.empty() : OptionalInt.of(replyCode);
    }

    /**
     * Whether retrying is pointless.
     *
     * @return true for failures that the same attempt would meet again
     */
    boolean permanent() {
        return permanent;
    }
}
