/**
 * The {@code custom-token} provider ({@link dev.latchkey.provider.custom.CustomJwtProvider}: JWTs
 * signed by the application's own system, verified with Nimbus against configured HS256 secrets,
 * public keys or a JWK Set URL) and the {@code custom-function} provider
 * ({@link dev.latchkey.provider.custom.CustomFunctionProvider}: a payload judged by the
 * application's {@link dev.latchkey.provider.custom.AuthFunction} or an HMAC-signed webhook).
 */
package dev.latchkey.provider.custom;
