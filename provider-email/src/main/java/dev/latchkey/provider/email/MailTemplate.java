package dev.latchkey.provider.email;

/**
 * The subject and body of one {@link MailKind} of mail, with placeholders such as {@code {{link}}}
 * (see {@link MailTemplates} for which a kind may use). Used to override a default: a component
 * left null keeps the default's, so an application can change only the subject. Bound from the
 * configuration by Gson as {@code {"subject": "...", "body": "..."}}.
 *
 * @param subject the subject line; null to keep the default
 * @param body the plain-text body; null to keep the default
 */
public record MailTemplate(String subject, String body) {
}
