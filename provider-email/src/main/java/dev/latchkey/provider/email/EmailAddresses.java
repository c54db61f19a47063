package dev.latchkey.provider.email;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Email addresses as accounts: trimmed, at most 254 characters (RFC 5321's path limit), no
 * control characters (CR or LF could forge mail headers, SECURITY.md 22), and shaped like
 * {@code local@domain.tld}. Case-sensitive by default, as App Services is; with
 * {@code caseInsensitive} the address is lower-cased, so {@code Ann@Example.com} and
 * {@code ann@example.com} are one account. Quotes and other characters legal in a local part are
 * kept as the literal data they are: the store never interprets them (SECURITY.md 23).
 *
 * @param caseInsensitive whether addresses differing only in case are one account
 */
record EmailAddresses(boolean caseInsensitive) {
    /** The longest address accepted. */
    static final int MAX_LENGTH = 254;
    /**
     * A pragmatic shape, not all of RFC 5322: a local part of printable characters other than
     * space and '@', one '@', and a domain of dot-separated labels ending in a label of letters.
     */
    private static final Pattern ADDRESS = Pattern.compile(
            "[^\\s@\\p{Cntrl}]{1,64}@(?:[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?\\.)+\\p{L}{2,63}");

    /**
     * The account name for an address as given.
     *
     * @param email the address
     * @return the normalized address
     * @throws AuthException {@link ErrorCode#INVALID_PARAMETER} when it is not an acceptable address
     */
    String normalize(String email) {
        if (email == null) {
            throw invalid("an email address is required");
        }
        if (email.length() > 4 * MAX_LENGTH) {
            throw invalid("an email address may have at most " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < email.length(); i++) {
            char c = email.charAt(i);
            if (c == '\r' || c == '\n' || c == '\0') {
                throw invalid("an email address must not contain CR, LF or NUL");
            }
        }
        String trimmed = email.strip();
        if (trimmed.length() > MAX_LENGTH) {
            throw invalid("an email address may have at most " + MAX_LENGTH + " characters");
        }
        if (!ADDRESS.matcher(trimmed).matches() || !Identity.isStorableText(trimmed)) {
            throw invalid("'" + shown(trimmed) + "' is not an email address");
        }
        if (!caseInsensitive) {
            return trimmed;
        }
        // Lower-casing can lengthen text (U+0130 becomes two chars): the rules hold for what is kept.
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (lower.length() > MAX_LENGTH || !ADDRESS.matcher(lower).matches()) {
            throw invalid("'" + shown(trimmed) + "' is not an email address once lower-cased");
        }
        return lower;
    }

    private static AuthException invalid(String message) {
        return new AuthException(ErrorCode.INVALID_PARAMETER, message);
    }

    /** An address is not a secret, but it may be hostile: printable ASCII, 60 characters at most. */
    private static String shown(String text) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length() && i < 60; i++) {
            char c = text.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return text.length() > 60 ? sb.append("...").toString() : sb.toString();
    }
}
