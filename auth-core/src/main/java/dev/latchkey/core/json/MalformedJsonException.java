package dev.latchkey.core.json;

/** JSON that {@link StrictJson} refused; the message says where and why. */
public final class MalformedJsonException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedJsonException(String message) {
        super(message);
    }
}
