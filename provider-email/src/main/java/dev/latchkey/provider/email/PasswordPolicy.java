package dev.latchkey.provider.email;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;

/**
 * What a password must be before it is hashed: {@code min}–128 characters (Unicode code points,
 * so an emoji counts once), taken exactly as given — never trimmed, truncated or case-folded.
 * Checked before any hashing, so an over-long password costs nothing (SECURITY.md 21).
 *
 * @param minLength the fewest characters (6 by default, as App Services; 8 is ASVS's advice)
 */
record PasswordPolicy(int minLength) {
    /** The most characters, as App Services allows. */
    static final int MAX_LENGTH = 128;
    /** App Services' minimum. */
    static final int DEFAULT_MIN_LENGTH = 6;

    PasswordPolicy {
        if (minLength < DEFAULT_MIN_LENGTH || minLength > MAX_LENGTH) {
            throw new IllegalArgumentException("minPasswordLength must be " + DEFAULT_MIN_LENGTH + " to " + MAX_LENGTH);
        }
    }

    /**
     * Checks a password; the message never repeats it.
     *
     * @param password the password given
     * @return the password, unchanged
     * @throws AuthException {@link ErrorCode#BAD_PASSWORD} when it is missing, too short or too long
     */
    String check(String password) {
        if (password == null || password.isEmpty()) {
            throw new AuthException(ErrorCode.BAD_PASSWORD, "a password is required");
        }
        if (password.length() > 2 * MAX_LENGTH) {
            // More UTF-16 units than 128 code points can need: refuse without counting.
            throw tooLong();
        }
        int length = password.codePointCount(0, password.length());
        if (length > MAX_LENGTH) {
            throw tooLong();
        }
        if (length < minLength) {
            throw new AuthException(ErrorCode.BAD_PASSWORD, "a password needs at least " + minLength + " characters");
        }
        if (!Identity.isStorableText(password)) {
            // Half a surrogate pair has no UTF-8 form: hashing would turn it into '?' and accept "?" for it.
            throw new AuthException(ErrorCode.BAD_PASSWORD, "a password must not contain NUL or half of a surrogate pair");
        }
        return password;
    }

    /**
     * Whether a password given at log-in could be a stored one at all: not longer than any
     * policy allows, and text that UTF-8 can carry exactly. Checked before hashing, so an oversized password costs nothing.
     *
     * @param password the password
     * @return false when it is over {@value #MAX_LENGTH} characters
     */
    static boolean fitsMaximum(String password) {
        return password.length() <= 2 * MAX_LENGTH && password.codePointCount(0, password.length()) <= MAX_LENGTH
                && Identity.isStorableText(password);
    }

    private static AuthException tooLong() {
        return new AuthException(ErrorCode.BAD_PASSWORD, "a password may have at most " + MAX_LENGTH + " characters");
    }
}
