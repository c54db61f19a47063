/**
 * The {@code local-userpass} provider: email/password users. Issue #4 is in progress: this jar
 * holds its building blocks (Argon2id hashing in PHC form, the password policy, email address
 * rules, single-use confirmation and reset tokens), not yet a registered provider, so a {@code local-userpass} log-in still fails with
 * {@code PROVIDER_NOT_FOUND}.
 */
package dev.latchkey.provider.email;
