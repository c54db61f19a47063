package dev.latchkey.testkit.log;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Looks for secrets in text (exception messages, log output, {@code toString()}) and reports where
 * they are without ever showing them: a finding names the secret by its label and shows the text
 * around it with every secret replaced by {@code <secret>}.
 */
public final class SecretScan {
    /** How many characters of context a finding shows each side of the secret. */
    static final int CONTEXT = 60;

    private SecretScan() {
    }

    /**
     * A secret and a name to report it by.
     *
     * @param label how a report names it, e.g. {@code "field 'key' of validCredentials() (64 chars)"}; never the value
     * @param value the secret itself
     */
    public record Secret(String label, String value) {
        /**
         * Checks the fields.
         *
         * @param label see the record description
         * @param value see the record description
         */
        public Secret {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(value, "value");
            if (value.isEmpty()) {
                throw new IllegalArgumentException("an empty string is not a secret");
            }
        }

        /** The label only, never the value. */
        @Override
        public String toString() {
            return "Secret[" + label + "]";
        }
    }

    /**
     * A secret found in some text.
     *
     * @param secret which secret (its label)
     * @param where what the text was, e.g. {@code "the message of AuthException"}
     * @param excerpt the text around it, every secret replaced by {@code <secret>}
     */
    public record Finding(String secret, String where, String excerpt) {
        @Override
        public String toString() {
            return secret + " in " + where + ": \"" + excerpt + "\"";
        }
    }

    /**
     * Finds the secrets that occur in a text.
     *
     * @param where what the text is, for the report
     * @param text the text
     * @param secrets what to look for
     * @return one finding per secret found
     */
    public static List<Finding> find(String where, String text, Collection<Secret> secrets) {
        List<Finding> found = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return found;
        }
        for (Secret s : secrets) {
            int at = indexOf(text, s.value(), 0);
            if (at >= 0) {
                found.add(new Finding(s.label(), where, excerpt(text, at, s.value().length(), secrets)));
            }
        }
        return found;
    }

    /**
     * Finds the secrets in captured output.
     *
     * @param entries what a {@link LogCapture} captured
     * @param secrets what to look for
     * @return one finding per secret and entry
     */
    public static List<Finding> find(List<LogCapture.Entry> entries, Collection<Secret> secrets) {
        List<Finding> found = new ArrayList<>();
        for (LogCapture.Entry e : entries) {
            found.addAll(find(e.source() == LogCapture.Source.JUL ? "a log record of " + e.origin() : e.origin(), e.text(), secrets));
        }
        return found;
    }

    /**
     * Replaces every secret in a text by {@code <secret>}.
     *
     * @param text the text
     * @param secrets what to hide
     * @return the text without secrets
     */
    public static String redact(String text, Collection<Secret> secrets) {
        if (text == null) {
            return null;
        }
        // Longest first, so that a secret containing another is hidden whole.
        List<Secret> longestFirst = new ArrayList<>(secrets);
        longestFirst.sort(Comparator.comparingInt((Secret s) -> s.value().length()).reversed());
        String out = text;
        for (Secret s : longestFirst) {
            out = replaceAll(out, s.value(), "<secret>");
        }
        return out;
    }

    private static String excerpt(String text, int at, int length, Collection<Secret> secrets) {
        // Widen the window to whole secrets, so that redaction never leaves part of one behind.
        int from = Math.max(0, at - CONTEXT);
        int to = Math.min(text.length(), at + length + CONTEXT);
        for (Secret s : secrets) {
            int i = indexOf(text, s.value(), 0);
            while (i >= 0 && i < to) {
                int end = i + s.value().length();
                if (end > from) {
                    from = Math.min(from, i);
                    to = Math.max(to, end);
                }
                i = indexOf(text, s.value(), end);
            }
        }
        String window = redact(text.substring(from, to), secrets);
        String shown = window.length() > 4 * CONTEXT + 20 ? window.substring(0, 4 * CONTEXT) + "..." : window;
        return (from > 0 ? "..." : "") + printable(shown) + (to < text.length() ? "..." : "");
    }

    /**
     * Where a pattern first occurs in a text at or after an index, in time linear in their lengths
     * (Knuth-Morris-Pratt): {@link String#indexOf(String, int)} is quadratic on the long repetitive
     * strings hostile payloads are made of.
     *
     * @param text the text
     * @param pattern what to find; not empty
     * @param from where to start
     * @return the index, or -1
     */
    static int indexOf(String text, String pattern, int from) {
        int m = pattern.length();
        if (m == 0 || text.length() - from < m) {
            return -1;
        }
        if (m <= 64) {
            return text.indexOf(pattern, from);
        }
        int[] fail = new int[m];
        for (int i = 1, k = 0; i < m; i++) {
            while (k > 0 && pattern.charAt(i) != pattern.charAt(k)) {
                k = fail[k - 1];
            }
            if (pattern.charAt(i) == pattern.charAt(k)) {
                k++;
            }
            fail[i] = k;
        }
        for (int i = from, k = 0; i < text.length(); i++) {
            while (k > 0 && text.charAt(i) != pattern.charAt(k)) {
                k = fail[k - 1];
            }
            if (text.charAt(i) == pattern.charAt(k)) {
                k++;
            }
            if (k == m) {
                return i - m + 1;
            }
        }
        return -1;
    }

    private static String replaceAll(String text, String target, String replacement) {
        int at = indexOf(text, target, 0);
        if (at < 0) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length());
        int from = 0;
        while (at >= 0) {
            sb.append(text, from, at).append(replacement);
            from = at + target.length();
            at = indexOf(text, target, from);
        }
        return sb.append(text, from, text.length()).toString();
    }

    /**
     * Escapes line breaks and other control characters, so that a hostile value cannot forge
     * lines in a report.
     *
     * @param s the text
     * @return the text with {@code \\n}, {@code \\r} and {@code \\uXXXX} escapes
     */
    public static String printable(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (Character.isISOControl(c)) {
                sb.append(String.format("\\u%04x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }
}
