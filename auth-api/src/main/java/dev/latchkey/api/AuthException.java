package dev.latchkey.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The one exception type of Latchkey: every failure an application can see is an
 * {@code AuthException} with an {@link ErrorCode}. The message names what was wrong and what to
 * do about it; it never contains a password, token, key or other secret.
 */
public class AuthException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final Duration retryAfter;

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
        this(code, message, cause, null);
    }

    private AuthException(ErrorCode code, String message, Throwable cause, Duration retryAfter) {
        super(Objects.requireNonNullElse(message, code == null ? "" : code.name()), cause);
        this.code = Objects.requireNonNullElse(code, ErrorCode.INTERNAL);
        this.retryAfter = retryAfter == null ? null : wholeSeconds(retryAfter);
    }

    /**
     * An exception that says when trying again may succeed, as a throttle does.
     *
     * @param code why the operation failed, usually {@link ErrorCode#RATE_LIMITED}
     * @param message what was wrong, without secrets
     * @param retryAfter how long to wait before trying again; rounded up to whole seconds, at least one
     * @return the exception
     */
    public static AuthException retryLater(ErrorCode code, String message, Duration retryAfter) {
        return new AuthException(code, message, null, Objects.requireNonNull(retryAfter, "retryAfter"));
    }

    private static Duration wholeSeconds(Duration d) {
        long seconds = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
        return Duration.ofSeconds(Math.max(1, seconds));
    }

    /**
     * The reason for the failure.
     *
     * @return the error code, never {@code null}
     */
    public ErrorCode code() {
        return code;
    }

    /**
     * How long to wait before trying again, when the failure is temporary and the wait is known
     * (an HTTP front end sends it as {@code Retry-After}).
     *
     * @return the wait in whole seconds, or empty
     */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    @Override
    public String toString() {
        return "AuthException[" + code + "]: " + getMessage();
    }
}
