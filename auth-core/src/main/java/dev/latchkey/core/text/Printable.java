package dev.latchkey.core.text;

/**
 * Text from outside made safe to put in a message or a log line: printable ASCII only (anything
 * else becomes {@code ?}, so no CR/LF can forge a line) and bounded in length.
 */
public final class Printable {
    private Printable() {
    }

    /**
     * The first {@code max} characters of {@code text}, non-printable ones replaced by {@code ?},
     * followed by {@code ...} when the text was longer.
     *
     * @param text the text
     * @param max how many characters to keep
     * @return the safe text
     */
    public static String cut(String text, int max) {
        StringBuilder sb = new StringBuilder(Math.min(text.length(), max) + 3);
        for (int i = 0; i < text.length() && i < max; i++) {
            char c = text.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return text.length() > max ? sb.append("...").toString() : sb.toString();
    }
}
