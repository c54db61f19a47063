package dev.latchkey.api.spi;

import java.util.List;

/**
 * A capability of the {@code local-userpass} provider: the account operations behind
 * {@link dev.latchkey.api.EmailPasswordAuth}. The engine finds it with {@code instanceof} on the
 * enabled provider, checks arguments for null, adds the {@code ...Async} twins and runs them on
 * its own threads. Each method has the contract of the {@code EmailPasswordAuth} method of the
 * same name. Implementations are thread-safe.
 */
public interface EmailPasswordManager {

    /**
     * See {@link dev.latchkey.api.EmailPasswordAuth#registerUser}.
     *
     * @param email the address, not null
     * @param password the password, not null
     */
    void registerUser(String email, String password);

    /**
     * See {@link dev.latchkey.api.EmailPasswordAuth#confirmUser}.
     *
     * @param token the token, not null
     * @param tokenId the token id, not null
     */
    void confirmUser(String token, String tokenId);

    /**
     * See {@link dev.latchkey.api.EmailPasswordAuth#resendConfirmationEmail}.
     *
     * @param email the address, not null
     */
    void resendConfirmationEmail(String email);

    /**
     * See {@link dev.latchkey.api.EmailPasswordAuth#retryCustomConfirmation}.
     *
     * @param email the address, not null
     */
    void retryCustomConfirmation(String email);

    /**
     * See {@link dev.latchkey.api.EmailPasswordAuth#sendResetPasswordEmail}.
     *
     * @param email the address, not null
     */
    void sendResetPasswordEmail(String email);

    /**
     * See {@link dev.latchkey.api.EmailPasswordAuth#resetPassword}.
     *
     * @param token the token, not null
     * @param tokenId the token id, not null
     * @param newPassword the new password, not null
     */
    void resetPassword(String token, String tokenId, String newPassword);

    /**
     * See {@link dev.latchkey.api.EmailPasswordAuth#callResetPasswordFunction}.
     *
     * @param email the address, not null
     * @param newPassword the new password, not null
     * @param args the further arguments, already checked to be JSON values (null, String,
     *     Number, Boolean, List, Map with String keys); unmodifiable
     */
    void callResetPasswordFunction(String email, String newPassword, List<Object> args);
}
