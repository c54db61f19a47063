package dev.latchkey.core.client;

/**
 * A session cache that cannot be trusted or read: not valid JSON, not the expected shape, an
 * unknown version, or a file that is not private to this user. The message names what is wrong
 * in the format's own words (a field path, a rule) and never quotes the file: it may hold tokens.
 */
final class CorruptSessionCacheException extends Exception {
    private static final long serialVersionUID = 1L;

    CorruptSessionCacheException(String message) {
        super(message);
    }
}
