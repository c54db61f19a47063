package dev.latchkey.testkit.contract;

import dev.latchkey.api.Credentials;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hostile credential payloads derived from a valid one: the default of
 * {@link CredentialProviderContract#malformedCredentials(ContractEnvironment)}, and building blocks
 * for a provider's own additions.
 *
 * <p>From the valid payload's fields it makes: an empty payload; the payload with each field left
 * out; each field with a value of every other JSON type (number, boolean, list, map, {@code null},
 * maps nested to {@link Credentials#MAX_DEPTH}); and each string field as an empty, blank,
 * 1,000,000-character, NUL-, CR- or LF-carrying or Unicode-garbage string. A payload with no
 * fields (like {@code anon-user}'s) gets the same values under an unexpected field, since a
 * provider that takes no fields must refuse any. Payloads equal to the valid one are left out.
 */
public final class MalformedPayloads {
    /** The length of the huge strings: one million characters. */
    public static final int HUGE_STRING_LENGTH = 1_000_000;
    /** The field name used when the valid payload has no fields. */
    public static final String UNEXPECTED_FIELD = "unexpected";

    private MalformedPayloads() {
    }

    /**
     * The default hostile set for a provider whose valid credentials are {@code valid}.
     *
     * @param valid valid credentials of the provider
     * @return credentials of the same type with hostile payloads, none equal to {@code valid}
     */
    public static List<Credentials> derivedFrom(Credentials valid) {
        String type = valid.providerType();
        Map<String, Object> base = valid.payload();
        Set<Map<String, Object>> payloads = new LinkedHashSet<>();
        if (base.isEmpty()) {
            for (Object value : wrongValues(null)) {
                payloads.add(with(base, UNEXPECTED_FIELD, value));
            }
            for (String s : hostileStrings("value")) {
                payloads.add(with(base, UNEXPECTED_FIELD, s));
            }
            payloads.add(nestedMaps(Credentials.MAX_DEPTH));
            for (String name : hostileFieldNames()) {
                payloads.add(with(base, name, "value"));
            }
        } else {
            payloads.add(Map.of());
            for (String field : base.keySet()) {
                Map<String, Object> without = new LinkedHashMap<>(base);
                without.remove(field);
                payloads.add(without);
            }
            for (Map.Entry<String, Object> field : base.entrySet()) {
                // The field's value under a hostile name instead of its own: the field is missing, and
                // a message that names the fields it got must not echo the name unbounded.
                for (String name : hostileFieldNames()) {
                    Map<String, Object> renamed = new LinkedHashMap<>(base);
                    renamed.remove(field.getKey());
                    renamed.put(name, field.getValue());
                    payloads.add(renamed);
                }
                for (Object value : wrongValues(field.getValue())) {
                    payloads.add(with(base, field.getKey(), value));
                }
                if (field.getValue() instanceof String sample) {
                    for (String s : hostileStrings(sample)) {
                        payloads.add(with(base, field.getKey(), s));
                    }
                }
            }
        }
        List<Credentials> out = new ArrayList<>();
        for (Map<String, Object> payload : payloads) {
            Credentials c = Credentials.of(type, payload);
            if (!c.equals(valid)) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * Field names an attacker may send: a million characters, a CR/LF log-injection attempt, a
     * NUL, Unicode garbage.
     *
     * @return the names
     */
    public static List<String> hostileFieldNames() {
        return List.of("f".repeat(HUGE_STRING_LENGTH), "field\r\nINJECTED-LOG-LINE: forged",
                "nul\u0000name", "\uFFFF\uD800\u202Ename");
    }

    /**
     * Values of every JSON type except the one of {@code sample}: a number, a boolean, a string, a
     * list, a map, {@code null} and maps nested as deep as a payload field may go.
     *
     * @param sample a valid value of the field, or {@code null} when there is none
     * @return the wrong values; a list that may hold {@code null}
     */
    public static List<Object> wrongValues(Object sample) {
        List<Object> values = new ArrayList<>();
        if (!(sample instanceof Number)) {
            values.add(42);
            values.add(-1.5e300);
        }
        if (!(sample instanceof Boolean)) {
            values.add(true);
        }
        if (!(sample instanceof String) && sample != null) {
            values.add("not-a-" + sample.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT));
        }
        if (!(sample instanceof List)) {
            values.add(List.of("a", "list"));
        }
        if (!(sample instanceof Map)) {
            values.add(Map.of("a", "map"));
            // The payload is level 1, so a field's value may nest MAX_DEPTH - 1 levels.
            values.add(nestedMaps(Credentials.MAX_DEPTH - 1));
        }
        values.add(null);
        return values;
    }

    /**
     * Hostile variants of a string value: empty, blank, one million characters, the value with NUL,
     * CR LF or a trailing LF, and Unicode garbage (a lone surrogate, a right-to-left override, a
     * byte-order mark, non-characters, stacked combining marks, full-width letters).
     *
     * @param sample a valid value, folded into some variants so that "nearly right" is tried too
     * @return the strings
     */
    public static List<String> hostileStrings(String sample) {
        return Arrays.asList(
                "",
                "   ",
                "x".repeat(HUGE_STRING_LENGTH),
                sample + "\u0000",
                "\u0000" + sample,
                sample + "\r\nX-Injected: true",
                sample + "\n",
                "\uD800" + sample + "\uDC00\uDC00",
                "\u202E" + sample,
                "\uFEFF" + sample,
                "\uFFFE\uFFFF\uFFFD\uFFFD",
                "e\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308",
                "\uFF53\uFF45\uFF43\uFF52\uFF45\uFF54\u00A0\u2028\u2029");
    }

    /**
     * Maps nested inside each other.
     *
     * @param levels how many maps, 1 or more: {@code {"nested": {"nested": ... {"leaf": true}}}}
     * @return the outermost map
     */
    public static Map<String, Object> nestedMaps(int levels) {
        if (levels < 1) {
            throw new IllegalArgumentException("at least one level");
        }
        Map<String, Object> m = Map.of("leaf", true);
        for (int i = 1; i < levels; i++) {
            m = Map.of("nested", m);
        }
        return m;
    }

    private static Map<String, Object> with(Map<String, Object> base, String field, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(base);
        copy.put(field, value);
        return copy;
    }
}
