/**
 * The {@code oauth2-google}, {@code oauth2-facebook} and {@code oauth2-apple} providers. Their
 * implementation arrives with their own issue; until then this jar holds no provider.
 */
package dev.latchkey.provider.oauth;
