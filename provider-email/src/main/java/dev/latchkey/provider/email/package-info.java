/**
 * The {@code local-userpass} provider: email/password accounts with Argon2id hashes, confirmation
 * and password reset by mailed links or by the application's functions, reached through
 * {@code app.emailPassword()}. Public here: the provider class, its settings, and what an
 * application registers ({@link dev.latchkey.provider.email.ConfirmationFunction},
 * {@link dev.latchkey.provider.email.ResetFunction},
 * {@link dev.latchkey.provider.email.MailFailureListener}); the rest is package-private.
 */
package dev.latchkey.provider.email;
