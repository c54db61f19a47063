package dev.latchkey.core.json;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Converts between Gson trees and plain Java JSON values (maps, lists, strings, numbers, booleans, null). */
public final class JsonTrees {
    private JsonTrees() {
    }

    /**
     * A Java value for a JSON tree. Integral numbers that fit become {@code Long}, other numbers
     * {@code Double}; maps keep their order; everything is unmodifiable.
     *
     * @param element the tree
     * @return the value
     */
    public static Object toJava(JsonElement element) {
        if (element == null || element.isJsonNull()) {
            return null;
        }
        if (element.isJsonObject()) {
            return toMap(element.getAsJsonObject());
        }
        if (element.isJsonArray()) {
            List<Object> list = new ArrayList<>();
            for (JsonElement e : element.getAsJsonArray()) {
                list.add(toJava(e));
            }
            return Collections.unmodifiableList(list);
        }
        JsonPrimitive p = element.getAsJsonPrimitive();
        if (p.isBoolean()) {
            return p.getAsBoolean();
        }
        if (p.isNumber()) {
            return number(p.getAsBigDecimal());
        }
        return p.getAsString();
    }

    /**
     * A Java map for a JSON object.
     *
     * @param object the object
     * @return an unmodifiable map
     */
    public static Map<String, Object> toMap(JsonObject object) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : object.entrySet()) {
            map.put(e.getKey(), toJava(e.getValue()));
        }
        return Collections.unmodifiableMap(map);
    }

    /**
     * A JSON tree for a Java value made of maps, lists, strings, numbers, booleans and nulls.
     *
     * @param value the value
     * @return the tree
     * @throws IllegalArgumentException for any other type
     */
    public static JsonElement toJson(Object value) {
        return toJson(value, 0);
    }

    private static JsonElement toJson(Object value, int depth) {
        if (depth > StrictJson.MAX_DEPTH) {
            throw new IllegalArgumentException("nested deeper than " + StrictJson.MAX_DEPTH + " levels");
        }
        if (value == null) {
            return JsonNull.INSTANCE;
        }
        if (value instanceof String s) {
            return new JsonPrimitive(s);
        }
        if (value instanceof Number n) {
            if (n instanceof Double d && !Double.isFinite(d) || n instanceof Float f && !Float.isFinite(f)) {
                throw new IllegalArgumentException("numbers must be finite");
            }
            return new JsonPrimitive(n);
        }
        if (value instanceof Boolean b) {
            return new JsonPrimitive(b);
        }
        if (value instanceof Map<?, ?> map) {
            JsonObject object = new JsonObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("map keys must be strings");
                }
                object.add(key, toJson(e.getValue(), depth + 1));
            }
            return object;
        }
        if (value instanceof List<?> list) {
            JsonArray array = new JsonArray();
            for (Object o : list) {
                array.add(toJson(o, depth + 1));
            }
            return array;
        }
        throw new IllegalArgumentException("not a JSON value: " + value.getClass().getSimpleName());
    }

    private static Object number(BigDecimal d) {
        // precision - scale = digits before the point; checked first so "1e999999999" never
        // becomes a billion-digit integer.
        boolean fitsLong = d.precision() - d.scale() <= 19 && d.stripTrailingZeros().scale() <= 0;
        if (fitsLong) {
            try {
                return d.longValueExact();
            } catch (ArithmeticException outOfLongRange) {
                // 19 digits but above Long.MAX_VALUE: a double it is
            }
        }
        double asDouble = d.doubleValue();
        return Double.isFinite(asDouble) ? (Object) asDouble : d;
    }
}
