/**
 * The {@code custom-token} (JWT) and {@code custom-function} providers. Their implementation
 * arrives with their own issue; until then this jar holds no provider.
 */
package dev.latchkey.provider.custom;
