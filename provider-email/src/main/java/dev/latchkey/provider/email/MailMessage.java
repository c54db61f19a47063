package dev.latchkey.provider.email;

import java.util.Objects;

/**
 * One plain-text mail to one recipient, as {@link MailTemplates} renders it and a {@link MailSender}
 * sends it. The body carries confirmation and reset links, which are secrets as long as they are
 * valid: {@link #toString()} leaves it out, so a message in a log or an assertion failure shows
 * who it was for and what it was about, never the link.
 *
 * @param to the recipient's address
 * @param subject the subject line, without line breaks
 * @param body the text
 */
record MailMessage(String to, String subject, String body) {
    MailMessage {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(body, "body");
    }

    /** The recipient and subject only: the body may hold a secret link. */
    @Override
    public String toString() {
        return "MailMessage[to=" + to + ", subject=" + subject + "]";
    }
}
