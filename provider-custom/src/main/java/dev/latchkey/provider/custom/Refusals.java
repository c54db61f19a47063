package dev.latchkey.provider.custom;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a function's refusal becomes the caller's error (SECURITY.md #17, #30): INVALID_CREDENTIALS
 * with the function's own words, on one line, at most {@value #MAX_MESSAGE} characters, with any
 * string of the payload blanked out (a function that says "wrong password x" must not echo it),
 * and never a cause or a stack trace of the function's.
 */
final class Refusals {
    /** How much of a reason is looked at: the shown part and room for a value cut across its end. */
    private static final int MAX_SCANNED = 2_048;
    /** Values longer than this are not blanked piece by piece; a reason showing their start is withheld. */
    private static final int LONG_VALUE = 256;
    private static final int LONG_VALUE_PROBE = 32;
    /** The longest part of a message that comes from the function. */
    static final int MAX_MESSAGE = 200;
    /** Payload strings at least this long are blanked out of a function's message. */
    static final int MIN_BLANKED_LENGTH = 4;
    private static final String BLANK = "***";

    private Refusals() {
    }

    /**
     * The error for a refused log-in.
     *
     * @param reason what went wrong, as the function or the webhook said it (any text)
     * @param payload the credentials' payload, whose strings are blanked out of the reason
     * @return INVALID_CREDENTIALS without a cause
     */
    static AuthException refused(String reason, Map<String, Object> payload) {
        return new AuthException(ErrorCode.INVALID_CREDENTIALS, "the custom function refused the log-in: " + clean(reason, payload));
    }

    /** One line, payload strings blanked out, then cut: blanking first so a cut cannot leave half a secret. */
    static String clean(String reason, Map<String, Object> payload) {
        if (reason == null || reason.isBlank()) {
            return "no reason given";
        }
        // Only the start of the reason is ever shown: cut it first (keeping room for a payload value
        // that straddles the cut), so blanking costs little however long the reason or the payload.
        String text = reason.length() > MAX_SCANNED ? reason.substring(0, MAX_SCANNED) : reason;
        Set<String> secrets = new HashSet<>();
        collectStrings(payload, secrets, 0);
        List<String> longestFirst = new ArrayList<>();
        for (String v : secrets) {
            if (v.length() > LONG_VALUE) {
                // A long value cannot be blanked piecewise inside a cut text: if its start shows, say nothing of the reason.
                if (text.contains(v.substring(0, LONG_VALUE_PROBE))) {
                    return "(the function's message held a credential value and is not shown)";
                }
            } else {
                longestFirst.add(v);
            }
        }
        longestFirst.sort(Comparator.comparingInt(String::length).reversed());
        for (String v : longestFirst) {
            text = text.replace(v, BLANK);
        }
        StringBuilder flat = new StringBuilder(Math.min(text.length(), MAX_MESSAGE * 2));
        boolean space = false;
        for (int i = 0; i < text.length() && flat.length() <= MAX_MESSAGE; i++) {
            char c = text.charAt(i);
            boolean control = Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
            if (control || Character.isWhitespace(c)) {
                space = true;
                continue;
            }
            if (space && flat.length() > 0) {
                flat.append(' ');
            }
            space = false;
            flat.append(c);
        }
        if (flat.length() == 0) {
            return "no reason given";
        }
        if (flat.length() > MAX_MESSAGE) {
            int end = MAX_MESSAGE;
            if (Character.isHighSurrogate(flat.charAt(end - 1))) {
                end--;
            }
            return flat.substring(0, end) + "...";
        }
        return flat.toString();
    }

    private static void collectStrings(Object value, Set<String> out, int depth) {
        if (depth > 64) {
            return;
        }
        if (value instanceof String s && s.length() >= MIN_BLANKED_LENGTH) {
            out.add(s);
        } else if (value instanceof Number n && n.toString().length() >= MIN_BLANKED_LENGTH) {
            // A numeric PIN is as secret as a string one.
            out.add(n.toString());
            if (n instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
                out.add(Long.toString(d.longValue()));
            }
        } else if (value instanceof Map<?, ?> m) {
            m.values().forEach(v -> collectStrings(v, out, depth + 1));
        } else if (value instanceof List<?> l) {
            l.forEach(v -> collectStrings(v, out, depth + 1));
        }
    }
}
