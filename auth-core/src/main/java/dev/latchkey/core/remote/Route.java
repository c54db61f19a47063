package dev.latchkey.core.remote;

import dev.latchkey.api.ErrorCode;

/**
 * The App Services client-API routes the HTTP client calls, each with what it is called in
 * messages (never a URL: an id or a token must not land in a log) and how its ambiguous answers
 * read. App Services gives several conditions one {@code error_code} ({@code BadRequest},
 * {@code AccountNameInUse}); the route tells which one it can be.
 */
enum Route {
    LOCATION("the app's location", ErrorCode.MALFORMED, ErrorCode.PROVIDER_BACKEND),
    LOG_IN("log-in", ErrorCode.MALFORMED, ErrorCode.INVALID_CREDENTIALS),
    LINK("linking an identity", ErrorCode.MALFORMED, ErrorCode.INVALID_SESSION),
    PROFILE("the user's profile", ErrorCode.MALFORMED, ErrorCode.INVALID_SESSION),
    REFRESH("the session refresh", ErrorCode.MALFORMED, ErrorCode.INVALID_SESSION),
    LOG_OUT("log-out", ErrorCode.MALFORMED, ErrorCode.INVALID_SESSION),
    DELETE_USER("deleting the user", ErrorCode.MALFORMED, ErrorCode.INVALID_SESSION),
    REGISTER("registration", ErrorCode.BAD_PASSWORD, ErrorCode.PROVIDER_BACKEND),
    CONFIRM("confirmation", ErrorCode.MALFORMED, ErrorCode.PROVIDER_BACKEND),
    CONFIRM_SEND("resending the confirmation", ErrorCode.MALFORMED, ErrorCode.PROVIDER_BACKEND),
    CONFIRM_CALL("retrying the confirmation function", ErrorCode.MALFORMED, ErrorCode.PROVIDER_BACKEND),
    RESET("the password reset", ErrorCode.BAD_PASSWORD, ErrorCode.PROVIDER_BACKEND),
    RESET_SEND("sending the password-reset mail", ErrorCode.MALFORMED, ErrorCode.PROVIDER_BACKEND),
    RESET_CALL("the password-reset function", ErrorCode.BAD_PASSWORD, ErrorCode.PROVIDER_BACKEND),
    API_KEY_CREATE("creating an API key", ErrorCode.LIMIT_EXCEEDED, ErrorCode.INVALID_SESSION),
    API_KEY_LIST("listing API keys", ErrorCode.MALFORMED, ErrorCode.INVALID_SESSION),
    API_KEY_GET("fetching an API key", ErrorCode.MALFORMED, ErrorCode.INVALID_SESSION),
    API_KEY_DELETE("deleting an API key", ErrorCode.MALFORMED, ErrorCode.INVALID_SESSION),
    API_KEY_ENABLE("enabling an API key", ErrorCode.MALFORMED, ErrorCode.INVALID_SESSION),
    API_KEY_DISABLE("disabling an API key", ErrorCode.MALFORMED, ErrorCode.INVALID_SESSION);

    private final String what;
    private final ErrorCode badRequest;
    private final ErrorCode unauthorized;

    Route(String what, ErrorCode badRequest, ErrorCode unauthorized) {
        this.what = what;
        this.badRequest = badRequest;
        this.unauthorized = unauthorized;
    }

    /** What the route does, for messages. */
    String what() {
        return what;
    }

    /**
     * What {@code BadRequest} (or a 400 without an {@code error_code}) means here: a password the
     * policy refuses where a password is sent, too many keys where a key is made, else a malformed request.
     */
    ErrorCode badRequest() {
        return badRequest;
    }

    /** What a 401 without a known {@code error_code} means here: a refused token where one is sent. */
    ErrorCode unauthorized() {
        return unauthorized;
    }

    /**
     * Reads an App Services {@code error_code} back into an {@link ErrorCode}; null when it is not
     * one the server sends (the status decides then).
     */
    ErrorCode fromWire(String wireName, int status) {
        if (wireName == null) {
            return null;
        }
        return switch (wireName) {
            case "InvalidPassword" -> ErrorCode.INVALID_CREDENTIALS;
            case "BadRequest" -> badRequest;
            case "InvalidParameter" -> ErrorCode.INVALID_PARAMETER;
            // App Services has one code for a provider that is missing and one that is off.
            case "AuthProviderNotFound" -> ErrorCode.PROVIDER_NOT_FOUND;
            case "UserNotFound" -> ErrorCode.USER_NOT_FOUND;
            case "UserDisabled" -> ErrorCode.USER_DISABLED;
            // An unconfirmed account at log-in; an identity provider's failure anywhere else, or as a 5xx.
            case "AuthError" -> this == LOG_IN && status < 500 ? ErrorCode.USER_NOT_CONFIRMED : ErrorCode.PROVIDER_BACKEND;
            case "UserAlreadyConfirmed" -> ErrorCode.USER_ALREADY_CONFIRMED;
            case "AccountNameInUse" -> this == LINK ? ErrorCode.IDENTITY_IN_USE : ErrorCode.ACCOUNT_NAME_IN_USE;
            case "UserpassTokenInvalid" -> ErrorCode.USERPASS_TOKEN_INVALID;
            case "InvalidSession" -> ErrorCode.INVALID_SESSION;
            case "APIKeyNotFound" -> ErrorCode.API_KEY_NOT_FOUND;
            case "APIKeyAlreadyExists" -> ErrorCode.API_KEY_ALREADY_EXISTS;
            case "FunctionExecutionError" -> ErrorCode.FUNCTION_EXECUTION;
            case "HTTPError" -> ErrorCode.NETWORK;
            case "TooManyRequests" -> ErrorCode.RATE_LIMITED;
            // The server failed: from here, that is the backend failing, whatever it calls it.
            case "InternalServerError" -> ErrorCode.PROVIDER_BACKEND;
            default -> null;
        };
    }

    /** What a status means when the answer carries no {@code error_code} this client knows. */
    ErrorCode fromStatus(int status) {
        return switch (status) {
            case 400 -> badRequest;
            case 401 -> unauthorized;
            case 404 -> this == LOCATION ? ErrorCode.CONFIGURATION : ErrorCode.PROVIDER_BACKEND;
            case 429 -> ErrorCode.RATE_LIMITED;
            default -> ErrorCode.PROVIDER_BACKEND;
        };
    }
}
