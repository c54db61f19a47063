/**
 * The {@code oauth2-google}, {@code oauth2-facebook} and {@code oauth2-apple} providers, and what
 * they share: bounded calls to an identity provider's JSON endpoints ({@code BackendCalls}), its
 * signing keys from a JWK Set URL with caching and rate-limited refetches ({@code JwksCache}), and
 * ID-token verification with Nimbus ({@code IdTokenVerifier}).
 */
package dev.latchkey.provider.oauth;
