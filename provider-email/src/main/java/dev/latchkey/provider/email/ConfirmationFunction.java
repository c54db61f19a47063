package dev.latchkey.provider.email;

/**
 * The application's own way of confirming new accounts, used when the provider's settings say
 * {@code "runConfirmationFunction": true}; register it on the builder:
 * {@code Latchkey.app(id).service(ConfirmationFunction.class, request -> ...)}. Called on the
 * thread of {@code registerUser} or {@code retryCustomConfirmation}, possibly by many threads at once.
 *
 * <p>A function that throws or returns null counts as {@link FunctionResult.Status#FAIL}, with its
 * exception's message (never its stack trace) in the caller's error.
 */
@FunctionalInterface
public interface ConfirmationFunction {

    /**
     * Decides about a new account.
     *
     * @param request the address and the token that confirms it
     * @return {@link FunctionResult#success()} to confirm now, {@link FunctionResult#pending()}
     *     to confirm later with {@code confirmUser(token, tokenId)}, {@link FunctionResult#fail}
     *     to create no account
     */
    FunctionResult confirm(ConfirmationRequest request);
}
