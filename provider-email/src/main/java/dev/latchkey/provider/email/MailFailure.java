package dev.latchkey.provider.email;

/**
 * A mail that could not be delivered, as a {@link MailFailureListener} learns of it. It names the
 * recipient and what the mail was for, never its content (the content may carry a secret link).
 *
 * @param recipient the address the mail was for
 * @param kind what the mail was for
 * @param attempts how many times sending was tried: the configured maximum, fewer when the server
 *     refused for good (a permanent 5xx answer, rejected log-in, invalid address), or 0 when the mail
 *     was never tried (the outbox was closed)
 * @param reason why the last attempt failed, e.g. {@code "connection refused (MailConnectException <- ConnectException)"};
 *     exception class names and an SMTP reply code, never the server's or the library's own text
 */
public record MailFailure(String recipient, MailKind kind, int attempts, String reason) {
}
