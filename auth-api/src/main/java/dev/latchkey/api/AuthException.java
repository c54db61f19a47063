package dev.latchkey.api;

import java.util.Objects;

/**
 * The one exception type of Latchkey: every failure an application can see is an
 * {@code AuthException} with an {@link ErrorCode}. The message names what was wrong and what to
 * do about it; it never contains a password, token, key or other secret.
 */
public class AuthException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    /**
     * Creates an exception.
     *
     * @param code why the operation failed
     * @param message what was wrong, without secrets
     */
    public AuthException(ErrorCode code, String message) {
        this(code, message, null);
    }

    /**
     * Creates an exception caused by another one. Only pass a cause whose message holds no
     * secret; wrap library exceptions with care.
     *
     * @param code why the operation failed
     * @param message what was wrong, without secrets
     * @param cause the underlying failure, or {@code null}
     */
    public AuthException(ErrorCode code, String message, Throwable cause) {
        super(Objects.requireNonNullElse(message, code == null ? "" : code.name()), cause);
        this.code = Objects.requireNonNullElse(code, ErrorCode.INTERNAL);
    }

    /**
     * The reason for the failure.
     *
     * @return the error code, never {@code null}
     */
    public ErrorCode code() {
        return code;
    }

    @Override
    public String toString() {
        return "AuthException[" + code + "]: " + getMessage();
    }
}
