package dev.latchkey.server;

import dev.latchkey.api.ErrorCode;

/**
 * The HTTP status of each {@link ErrorCode}, as App Services answers the same condition; the
 * {@code error_code} string is {@link ErrorCode#wireName()}. The table is in the module README.
 */
final class ErrorStatus {
    private ErrorStatus() {
    }

    /**
     * The status for an error code. An exhaustive switch: a new code does not compile until it
     * has a status here.
     *
     * @param code the engine's code
     * @return the HTTP status
     */
    static int of(ErrorCode code) {
        return switch (code) {
            // App Services answers a failed log-in and any bad or expired session with 401, which
            // is also what makes a Realm SDK refresh once and then log the user out.
            case INVALID_CREDENTIALS, INVALID_SESSION, USER_DISABLED, USER_NOT_CONFIRMED -> 401;
            case MALFORMED, INVALID_PARAMETER, BAD_PASSWORD, USERPASS_TOKEN_INVALID, LIMIT_EXCEEDED,
                 OPERATION_NOT_ALLOWED, FUNCTION_EXECUTION -> 400;
            case PROVIDER_NOT_FOUND, PROVIDER_DISABLED, USER_NOT_FOUND, API_KEY_NOT_FOUND -> 404;
            case USER_ALREADY_CONFIRMED, ACCOUNT_NAME_IN_USE, IDENTITY_IN_USE, API_KEY_ALREADY_EXISTS -> 409;
            case RATE_LIMITED -> 429;
            // A provider's backend or a remote system failed: the gateway is at fault, not the client.
            case NETWORK, PROVIDER_BACKEND -> 502;
            case CONFIGURATION, INTERNAL -> 500;
        };
    }
}
