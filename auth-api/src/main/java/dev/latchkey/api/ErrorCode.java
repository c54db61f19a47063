package dev.latchkey.api;

/**
 * Why an operation failed. The codes follow Atlas App Services' error codes; {@link #wireName()}
 * is the {@code error_code} string App Services sends for the same condition, so an HTTP front
 * end can answer Realm SDK clients in their own terms.
 */
public enum ErrorCode {
    /** The credentials are well formed but wrong: unknown account, wrong password, bad or disabled key. */
    INVALID_CREDENTIALS("InvalidPassword"),
    /** A token or credential payload is not in the expected shape (segments, encoding, fields, sizes). */
    MALFORMED("BadRequest"),
    /** An argument of an API call is missing, blank, too long or otherwise unusable. */
    INVALID_PARAMETER("InvalidParameter"),
    /** No provider of the requested type is on the class path. */
    PROVIDER_NOT_FOUND("AuthProviderNotFound"),
    /** The provider is on the class path but not enabled in the configuration. */
    PROVIDER_DISABLED("AuthProviderNotFound"),
    /** The user does not exist (any more). */
    USER_NOT_FOUND("UserNotFound"),
    /** An administrator disabled the user. */
    USER_DISABLED("UserDisabled"),
    /** The account exists but its email address is not confirmed yet. */
    USER_NOT_CONFIRMED("AuthError"),
    /** A confirmation was asked for an account that is already confirmed. */
    USER_ALREADY_CONFIRMED("UserAlreadyConfirmed"),
    /** An account with that name (email address) exists already. */
    ACCOUNT_NAME_IN_USE("AccountNameInUse"),
    /** An identity is already linked to another user. */
    IDENTITY_IN_USE("AccountNameInUse"),
    /** A new password does not meet the password policy. */
    BAD_PASSWORD("BadRequest"),
    /** A confirmation or reset token is unknown, used or expired. */
    USERPASS_TOKEN_INVALID("UserpassTokenInvalid"),
    /** An access or refresh token is invalid, expired or revoked: the user must log in again. */
    INVALID_SESSION("InvalidSession"),
    /** No API key with that id belongs to the user. */
    API_KEY_NOT_FOUND("APIKeyNotFound"),
    /** An API key with that name exists already for the user. */
    API_KEY_ALREADY_EXISTS("APIKeyAlreadyExists"),
    /** A per-user or per-app limit would be exceeded (for example the number of API keys). */
    LIMIT_EXCEEDED("BadRequest"),
    /** The operation is not allowed in this state (for example linking an anonymous identity). */
    OPERATION_NOT_ALLOWED("BadRequest"),
    /** An application-supplied authentication function failed. */
    FUNCTION_EXECUTION("FunctionExecutionError"),
    /** A remote system could not be reached, or did not answer in time. */
    NETWORK("HTTPError"),
    /** An identity provider's backend answered with an error or with something unreadable. */
    PROVIDER_BACKEND("AuthError"),
    /** Too many attempts: try again later. */
    RATE_LIMITED("TooManyRequests"),
    /** The configuration is invalid; the message names the setting. */
    CONFIGURATION("InternalServerError"),
    /** An unexpected failure inside Latchkey. */
    INTERNAL("InternalServerError");

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    /**
     * The App Services {@code error_code} for this condition.
     *
     * @return the wire name, for example {@code "InvalidSession"}
     */
    public String wireName() {
        return wireName;
    }
}
