package dev.latchkey.server;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A strictly parsed {@code application/x-www-form-urlencoded} body. Strict because a password
 * travels in it: bad percent-encoding or bytes that are not UTF-8 are refused rather than turned
 * into U+FFFD (which would silently set a password other than the one typed), and a field given
 * twice is refused rather than guessed at.
 */
final class FormBody {
    /** More fields than a hosted page's form has, by far. */
    static final int MAX_FIELDS = 16;

    private final Map<String, String> fields;

    private FormBody(Map<String, String> fields) {
        this.fields = fields;
    }

    /**
     * Parses a body.
     *
     * @param body the raw bytes (already bounded by the caller)
     * @return the fields
     * @throws IllegalArgumentException with a message that never quotes the body, when it is not a well-formed form
     */
    static FormBody parse(byte[] body) {
        Map<String, String> fields = new HashMap<>();
        if (body.length == 0) {
            return new FormBody(fields);
        }
        String ascii = new String(body, StandardCharsets.ISO_8859_1);
        for (String pair : ascii.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            if (fields.size() >= MAX_FIELDS) {
                throw new IllegalArgumentException("too many form fields");
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (fields.putIfAbsent(name, value) != null) {
                throw new IllegalArgumentException("a form field is given twice");
            }
        }
        return new FormBody(fields);
    }

    /**
     * A field's value.
     *
     * @param name the field's name
     * @return its value, or empty when the form does not have it
     */
    Optional<String> get(String name) {
        return Optional.ofNullable(fields.get(name));
    }

    private static String decode(String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                if (i + 2 >= encoded.length()) {
                    throw new IllegalArgumentException("bad percent-encoding in the form");
                }
                int hi = Character.digit(encoded.charAt(i + 1), 16);
                int lo = Character.digit(encoded.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad percent-encoding in the form");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c > 0x20 && c < 0x7f) {
                bytes.write(c);
            } else {
                // A browser percent-encodes everything else; raw bytes mean a client we do not want to guess for.
                throw new IllegalArgumentException("unencoded character in the form");
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the form is not UTF-8");
        }
    }

    /** Field values include a password: never shown. */
    @Override
    public String toString() {
        return "FormBody[" + fields.size() + " fields]";
    }
}
