package dev.latchkey.provider.email;

/**
 * What an application's confirmation or reset function decided.
 *
 * @param status the decision
 * @param message for {@link Status#FAIL}, why, in words the caller may see (it becomes the
 *     message of the {@code FUNCTION_EXECUTION} error); otherwise null
 */
public record FunctionResult(Status status, String message) {

    /** A function's decision. */
    public enum Status {
        /** Done: the account is confirmed, or the password changed, now. */
        SUCCESS,
        /**
         * Not yet: the application will finish later with the token it was given
         * ({@code confirmUser(token, tokenId)} or {@code resetPassword(token, tokenId, newPassword)}),
         * within 30 minutes.
         */
        PENDING,
        /** Refused: no account is created, or the password stays as it is. */
        FAIL
    }

    /**
     * Checks the fields.
     *
     * @param status see the record description
     * @param message see the record description
     */
    public FunctionResult {
        if (status == null) {
            throw new IllegalArgumentException("a function result needs a status");
        }
    }

    /**
     * Done now.
     *
     * @return the result
     */
    public static FunctionResult success() {
        return new FunctionResult(Status.SUCCESS, null);
    }

    /**
     * The application finishes later with the token.
     *
     * @return the result
     */
    public static FunctionResult pending() {
        return new FunctionResult(Status.PENDING, null);
    }

    /**
     * Refused.
     *
     * @param reason why, without secrets: the caller sees it
     * @return the result
     */
    public static FunctionResult fail(String reason) {
        return new FunctionResult(Status.FAIL, reason);
    }
}
