package dev.latchkey.core.files;

import java.io.IOException;

/**
 * What {@link PrivateFiles} found is not a private file or directory of ours: a symbolic link, not
 * the expected type, another user's, open to group or others, or too large. Unlike the other
 * {@link IOException}s its checks may throw (a file that is not there, a disk that fails, a
 * permission the OS refuses), this one says the file was looked at and must not be trusted.
 * The message names the path and the rule, never the content.
 */
public final class UntrustedFileException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the path and the rule it breaks, fit for a log line
     */
    public UntrustedFileException(String message) {
        super(message);
    }
}
