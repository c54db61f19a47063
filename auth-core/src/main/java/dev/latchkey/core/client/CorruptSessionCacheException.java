package dev.latchkey.core.client;

/**
 * A session cache file that cannot be trusted: not valid JSON, not the expected shape, an
 * unknown version, or a file that is not private to this user (or lies in a directory others may
 * change). A good cache may replace it; a cache that could not be read at all is an
 * {@link java.io.IOException} instead, and is left alone. The message names what is wrong in the
 * format's own words (a field path, a rule) and never quotes the file: it may hold tokens.
 */
final class CorruptSessionCacheException extends Exception {
    private static final long serialVersionUID = 1L;

    CorruptSessionCacheException(String message) {
        super(message);
    }
}
