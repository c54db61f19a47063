package dev.latchkey.server;

import java.util.Map;

/**
 * A failure of the HTTP layer itself (no such route, wrong method, body too large or not JSON),
 * answered in App Services' error shape. Engine failures are {@link dev.latchkey.api.AuthException}s.
 */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String errorCode;
    private final transient Map<String, String> headers;

    ApiError(int status, String errorCode, String message) {
        this(status, errorCode, message, Map.of());
    }

    ApiError(int status, String errorCode, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.errorCode = errorCode;
        this.headers = Map.copyOf(headers);
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, "BadRequest", message);
    }

    static ApiError notFound(String message) {
        return new ApiError(404, "NotFound", message);
    }

    int status() {
        return status;
    }

    String errorCode() {
        return errorCode;
    }

    Map<String, String> headers() {
        return headers;
    }
}
