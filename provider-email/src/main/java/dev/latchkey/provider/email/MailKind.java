package dev.latchkey.provider.email;

/** What a mail from the provider is for; each kind has its own {@link MailTemplate}. */
public enum MailKind {
    /** "Confirm your email address": carries the confirmation link. */
    CONFIRMATION,
    /** "Reset your password": carries the reset link. */
    RESET,
    /**
     * "Someone tried to register with your address": sent instead of a confirmation when the
     * address already has an account and enumeration protection is on, so the one registering
     * learns nothing from the answer while the owner learns of the attempt (SECURITY.md 19).
     */
    ACCOUNT_EXISTS,
    /** "Your password was changed": lets the owner notice a change they did not make. */
    PASSWORD_CHANGED
}
