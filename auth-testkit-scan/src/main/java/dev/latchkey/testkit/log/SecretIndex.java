package dev.latchkey.testkit.log;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds which of many secrets occur in a text in one pass over the text: the build-wide scan
 * looks for thousands of secrets (every token minted so far) in every line logged, which one
 * {@code indexOf} per secret would make quadratic. Each secret is indexed by a rolling hash of its
 * last {@value #WINDOW} characters (tokens share prefixes, such as {@code eyJhbGci}, not tails); a
 * window of the text whose hash matches is checked character by character.
 */
final class SecretIndex {
    static final int WINDOW = TestSecrets.MIN_LENGTH;
    private static final long BASE = 1_000_003L;
    private static final long TOP;

    static {
        long p = 1;
        for (int i = 1; i < WINDOW; i++) {
            p *= BASE;
        }
        TOP = p;
    }

    private final List<SecretScan.Secret> secrets;
    private final Map<Long, List<SecretScan.Secret>> byTail = new HashMap<>();

    SecretIndex(List<SecretScan.Secret> secrets) {
        this.secrets = List.copyOf(secrets);
        for (SecretScan.Secret s : this.secrets) {
            String v = s.value();
            if (v.length() >= WINDOW) {
                byTail.computeIfAbsent(hash(v, v.length() - WINDOW), k -> new ArrayList<>(1)).add(s);
            }
        }
    }

    int size() {
        return secrets.size();
    }

    /**
     * Finds the secrets in a text.
     *
     * @param where what the text is, for the report
     * @param text the text
     * @return one finding per secret found, the excerpt with every secret in the text redacted
     */
    List<SecretScan.Finding> find(String where, String text) {
        if (text == null || text.length() < WINDOW || byTail.isEmpty()) {
            return List.of();
        }
        Set<SecretScan.Secret> present = new LinkedHashSet<>();
        long h = hash(text, 0);
        for (int end = WINDOW; ; end++) {
            List<SecretScan.Secret> candidates = byTail.get(h);
            if (candidates != null) {
                for (SecretScan.Secret s : candidates) {
                    int start = end - s.value().length();
                    if (start >= 0 && text.regionMatches(start, s.value(), 0, s.value().length())) {
                        present.add(s);
                    }
                }
            }
            if (end == text.length()) {
                break;
            }
            h = (h - text.charAt(end - WINDOW) * TOP) * BASE + text.charAt(end);
        }
        return present.isEmpty() ? List.of() : SecretScan.find(where, text, present);
    }

    private static long hash(String s, int from) {
        long h = 0;
        for (int i = from; i < from + WINDOW; i++) {
            h = h * BASE + s.charAt(i);
        }
        return h;
    }
}
