package dev.latchkey.provider.email;

/**
 * The application's own way of resetting passwords, used when the provider's settings say
 * {@code "runResetFunction": true}; register it on the builder:
 * {@code Latchkey.app(id).service(ResetFunction.class, request -> ...)}. Called on the thread of
 * {@code callResetPasswordFunction}, possibly by many threads at once.
 *
 * <p>A function that throws or returns null counts as {@link FunctionResult.Status#FAIL}, with its
 * exception's message (never its stack trace) in the caller's error.
 */
@FunctionalInterface
public interface ResetFunction {

    /**
     * Decides about a password reset.
     *
     * @param request the account, the new password and the token that completes the reset
     * @return {@link FunctionResult#success()} to change the password now,
     *     {@link FunctionResult#pending()} to change it later with
     *     {@code resetPassword(token, tokenId, newPassword)}, {@link FunctionResult#fail} to leave it
     */
    FunctionResult reset(ResetRequest request);
}
