/**
 * The {@code local-userpass} provider: email/password users. Its implementation arrives with its
 * own issue; until then this jar holds no provider, and a {@code local-userpass} log-in fails with
 * {@code PROVIDER_NOT_FOUND}.
 */
package dev.latchkey.provider.email;
