package dev.latchkey.core.json;

import dev.latchkey.core.text.Printable;

/**
 * JSON that {@link StrictJson} refused; the message says where and why. The JSON came from
 * outside and its keys can appear in the message (a duplicate key, a path), so the message is cut
 * to {@value #MAX_MESSAGE_LENGTH} characters of printable ASCII: safe to pass on and to log.
 */
public final class MalformedJsonException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The longest message. */
    public static final int MAX_MESSAGE_LENGTH = 200;

    MalformedJsonException(String message) {
        super(Printable.cut(message, MAX_MESSAGE_LENGTH));
    }
}
