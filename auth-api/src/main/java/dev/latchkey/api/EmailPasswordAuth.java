package dev.latchkey.api;

import java.util.concurrent.CompletableFuture;

/**
 * Email/password accounts ({@code local-userpass}), as the Realm SDKs' {@code EmailPasswordAuth}:
 * register, confirm the address, reset a forgotten password. Log-in itself is
 * {@link Credentials#emailPassword(String, String)}.
 *
 * <p>Reached through {@link AuthApp#emailPassword()} or {@link AuthService#emailPassword()};
 * implemented by the {@code dev.latchkey:provider-email} jar. How an address is confirmed and a
 * password reset (automatically, by a mailed link, or by a function the application registers)
 * is the provider's configuration. Every call fails with an {@link AuthException}:
 * {@link ErrorCode#PROVIDER_NOT_FOUND} when the jar is absent, {@link ErrorCode#PROVIDER_DISABLED}
 * when the provider is not enabled, {@link ErrorCode#INVALID_PARAMETER} for an address that is not
 * one, {@link ErrorCode#RATE_LIMITED} (with {@link AuthException#retryAfter()}) when an address is
 * asked for too many mails or reset-function calls: they are limited per address, with the log-in
 * throttle's account limit, whether or not the address has an account.
 *
 * <p>With {@code enumerationProtection} on, the calls that take an address answer the same, in the
 * same time, whether or not an account has it, so a caller cannot learn who has an account: what
 * depends on the account happens after the answer.
 * Every blocking call has an {@code ...Async} twin. Thread-safe.
 */
public interface EmailPasswordAuth {

    /**
     * Creates an account. Depending on the configuration it is confirmed at once, or waits for
     * the link mailed to the address, or for the application's confirmation function.
     *
     * @param email the address; trimmed, at most 254 characters
     * @param password 6 to 128 characters by default (the minimum is configurable), taken exactly as given
     * @throws AuthException {@link ErrorCode#ACCOUNT_NAME_IN_USE} when an account has the address
     *     (unless enumeration protection is on: then the owner is mailed a notice and the call
     *     answers as for a new address), {@link ErrorCode#BAD_PASSWORD},
     *     {@link ErrorCode#FUNCTION_EXECUTION} when the confirmation function fails or refuses
     */
    void registerUser(String email, String password);

    /**
     * {@link #registerUser} without blocking.
     *
     * @param email the address
     * @param password the password
     * @return completes when done
     */
    CompletableFuture<Void> registerUserAsync(String email, String password);

    /**
     * Confirms an address with the token and token id of a confirmation link.
     *
     * @param token the {@code token} parameter of the link
     * @param tokenId the {@code tokenId} parameter of the link
     * @throws AuthException {@link ErrorCode#USERPASS_TOKEN_INVALID} when the token is unknown,
     *     used or expired (30 minutes), {@link ErrorCode#USER_ALREADY_CONFIRMED}
     */
    void confirmUser(String token, String tokenId);

    /**
     * {@link #confirmUser} without blocking.
     *
     * @param token the token
     * @param tokenId the token id
     * @return completes when done
     */
    CompletableFuture<Void> confirmUserAsync(String token, String tokenId);

    /**
     * Mails a new confirmation link to an account that is not confirmed yet; older links stop working.
     *
     * @param email the account's address
     * @throws AuthException {@link ErrorCode#USER_NOT_FOUND}, {@link ErrorCode#USER_ALREADY_CONFIRMED}
     *     (neither with enumeration protection on), {@link ErrorCode#OPERATION_NOT_ALLOWED} when
     *     confirmation is not by mail
     */
    void resendConfirmationEmail(String email);

    /**
     * {@link #resendConfirmationEmail} without blocking.
     *
     * @param email the address
     * @return completes when done
     */
    CompletableFuture<Void> resendConfirmationEmailAsync(String email);

    /**
     * Runs the application's confirmation function again for an account that is not confirmed yet.
     *
     * @param email the account's address
     * @throws AuthException {@link ErrorCode#USER_NOT_FOUND}, {@link ErrorCode#USER_ALREADY_CONFIRMED}
     *     (neither with enumeration protection on), {@link ErrorCode#OPERATION_NOT_ALLOWED} when
     *     confirmation is not by function, {@link ErrorCode#FUNCTION_EXECUTION}
     */
    void retryCustomConfirmation(String email);

    /**
     * {@link #retryCustomConfirmation} without blocking.
     *
     * @param email the address
     * @return completes when done
     */
    CompletableFuture<Void> retryCustomConfirmationAsync(String email);

    /**
     * Mails a password-reset link to an account.
     *
     * @param email the account's address
     * @throws AuthException {@link ErrorCode#USER_NOT_FOUND} (not with enumeration protection on),
     *     {@link ErrorCode#OPERATION_NOT_ALLOWED} when resets are not by mail
     */
    void sendResetPasswordEmail(String email);

    /**
     * {@link #sendResetPasswordEmail} without blocking.
     *
     * @param email the address
     * @return completes when done
     */
    CompletableFuture<Void> sendResetPasswordEmailAsync(String email);

    /**
     * Sets a new password with the token and token id of a reset link (or of a reset function
     * that answered "pending"). The account's sessions end: every device must log in again.
     *
     * @param token the {@code token} parameter of the link
     * @param tokenId the {@code tokenId} parameter of the link
     * @param newPassword the new password
     * @throws AuthException {@link ErrorCode#USERPASS_TOKEN_INVALID}, {@link ErrorCode#BAD_PASSWORD}
     */
    void resetPassword(String token, String tokenId, String newPassword);

    /**
     * {@link #resetPassword} without blocking.
     *
     * @param token the token
     * @param tokenId the token id
     * @param newPassword the new password
     * @return completes when done
     */
    CompletableFuture<Void> resetPasswordAsync(String token, String tokenId, String newPassword);

    /**
     * Asks the application's reset function to reset a password. The function decides: the
     * password changes now, later (with {@link #resetPassword} and the token it was given), or
     * not at all.
     *
     * @param email the account's address
     * @param newPassword the new password
     * @param args further arguments for the function: JSON values (null, strings, numbers,
     *     booleans, lists, maps with string keys)
     * @throws AuthException {@link ErrorCode#USER_NOT_FOUND} (not with enumeration protection on),
     *     {@link ErrorCode#BAD_PASSWORD}, {@link ErrorCode#FUNCTION_EXECUTION} when the function fails
     *     or refuses, {@link ErrorCode#OPERATION_NOT_ALLOWED} when resets are not by function,
     *     {@link ErrorCode#MALFORMED} when an argument is not a JSON value
     */
    void callResetPasswordFunction(String email, String newPassword, Object... args);

    /**
     * {@link #callResetPasswordFunction} without blocking.
     *
     * @param email the address
     * @param newPassword the new password
     * @param args further arguments for the function
     * @return completes when done
     */
    CompletableFuture<Void> callResetPasswordFunctionAsync(String email, String newPassword, Object... args);
}
