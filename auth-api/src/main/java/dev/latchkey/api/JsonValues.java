package dev.latchkey.api;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Deep, unmodifiable copies of JSON-like values (maps, lists, strings, numbers, booleans, null). */
final class JsonValues {
    static final int MAX_DEPTH = 32;

    private JsonValues() {
    }

    static Map<String, Object> copyObject(Map<?, ?> source, String what) {
        return copyMap(source, 1, what);
    }

    private static Map<String, Object> copyMap(Map<?, ?> source, int depth, String what) {
        if (depth > MAX_DEPTH) {
            throw tooDeep(what);
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : source.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new AuthException(ErrorCode.MALFORMED, what + " keys must be non-null strings");
            }
            copy.put(key, copyValue(e.getValue(), depth, what));
        }
        return Collections.unmodifiableMap(copy);
    }

    private static Object copyValue(Object value, int depth, String what) {
        if (value == null || value instanceof String || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Number n) {
            return copyNumber(n, what);
        }
        if (value instanceof Map<?, ?> map) {
            return copyMap(map, depth + 1, what);
        }
        if (value instanceof List<?> list) {
            if (depth + 1 > MAX_DEPTH) {
                throw tooDeep(what);
            }
            List<Object> copy = new ArrayList<>(list.size());
            for (Object element : list) {
                copy.add(copyValue(element, depth + 1, what));
            }
            return Collections.unmodifiableList(copy);
        }
        throw new AuthException(ErrorCode.MALFORMED, what + " values must be JSON values"
                + " (null, string, number, boolean, list, map), not " + value.getClass().getSimpleName());
    }

    private static Number copyNumber(Number n, String what) {
        // Only immutable number types: a mutable one (AtomicLong) could change after the copy.
        boolean immutable = n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte
                || n instanceof Double || n instanceof Float || n instanceof BigInteger || n instanceof BigDecimal;
        if (!immutable) {
            throw new AuthException(ErrorCode.MALFORMED,
                    what + " numbers must be of an immutable type, not " + n.getClass().getSimpleName());
        }
        if (n instanceof Double d && !Double.isFinite(d) || n instanceof Float f && !Float.isFinite(f)) {
            throw new AuthException(ErrorCode.MALFORMED, what + " numbers must be finite");
        }
        return n;
    }

    private static AuthException tooDeep(String what) {
        return new AuthException(ErrorCode.MALFORMED, what + " nests deeper than " + MAX_DEPTH + " levels");
    }
}
