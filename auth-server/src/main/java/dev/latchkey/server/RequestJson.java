package dev.latchkey.server;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.latchkey.core.json.MalformedJsonException;
import dev.latchkey.core.json.StrictJson;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Request bodies: strict JSON (no duplicate keys, bounded nesting, UTF-8), turned into the plain
 * Java values that {@link dev.latchkey.api.Credentials} take. The Realm Web SDK serializes bodies
 * as canonical Extended JSON, so {@code {"$numberInt": "42"}} and {@code {"$oid": "..."}} are
 * read back as the number and the string they stand for.
 */
final class RequestJson {
    private static final Set<String> EJSON_WRAPPERS = Set.of("$numberInt", "$numberLong", "$numberDouble", "$oid");

    private RequestJson() {
    }

    /**
     * Parses a body that must be a JSON object.
     *
     * @param request the request
     * @return the object
     * @throws ApiError 400 when there is no body or it is not a JSON object, 415 when it is not JSON
     */
    static JsonObject object(ApiRequest request) {
        requireJsonContentType(request);
        if (request.body().length == 0) {
            throw ApiError.badRequest("expected a JSON object as the request body");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(request.body())).toString();
        } catch (CharacterCodingException e) {
            throw ApiError.badRequest("the request body is not UTF-8");
        }
        try {
            return StrictJson.parseObject(text);
        } catch (MalformedJsonException e) {
            // StrictJson's messages name the syntax error and where it is, never a value.
            throw ApiError.badRequest("the request body is not a JSON object: " + e.getMessage());
        }
    }

    /** A body with anything but JSON in it is refused before it is read as JSON. */
    static void requireJsonContentType(ApiRequest request) {
        if (request.body().length == 0) {
            return;
        }
        String type = request.header("content-type");
        String mediaType = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json")) {
            throw new ApiError(415, "UnsupportedMediaType", "the request body must be application/json");
        }
    }

    /**
     * A required string field.
     *
     * @throws ApiError 400 naming the field when it is missing or not a string
     */
    static String string(JsonObject body, String field) {
        JsonElement value = body.get(field);
        if (value instanceof JsonPrimitive p && p.isString()) {
            return p.getAsString();
        }
        throw ApiError.badRequest("'" + field + "' must be a string");
    }

    /** The object as a map of plain values, Extended JSON wrappers unwrapped. */
    static Map<String, Object> toMap(JsonObject object) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : object.entrySet()) {
            map.put(e.getKey(), toValue(e.getValue()));
        }
        return map;
    }

    /** A value as a plain Java value, Extended JSON wrappers unwrapped. */
    static Object toValue(JsonElement value) {
        if (value == null || value.isJsonNull()) {
            return null;
        }
        if (value instanceof JsonArray array) {
            List<Object> list = new ArrayList<>(array.size());
            for (JsonElement e : array) {
                list.add(toValue(e));
            }
            return list;
        }
        if (value instanceof JsonObject object) {
            Object unwrapped = unwrapEjson(object);
            return unwrapped != null ? unwrapped : toMap(object);
        }
        JsonPrimitive p = value.getAsJsonPrimitive();
        if (p.isBoolean()) {
            return p.getAsBoolean();
        }
        if (p.isNumber()) {
            return number(p.getAsBigDecimal());
        }
        return p.getAsString();
    }

    private static Object unwrapEjson(JsonObject object) {
        if (object.size() != 1) {
            return null;
        }
        String key = object.keySet().iterator().next();
        if (!EJSON_WRAPPERS.contains(key) || !(object.get(key) instanceof JsonPrimitive p) || !p.isString()) {
            return null;
        }
        String text = p.getAsString();
        try {
            return switch (key) {
                case "$oid" -> text;
                case "$numberDouble" -> Double.valueOf(text);
                default -> number(new BigDecimal(text));
            };
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("'" + key + "' does not hold a number");
        }
    }

    private static Object number(BigDecimal n) {
        try {
            return n.longValueExact();
        } catch (ArithmeticException e) {
            // Kept as it is: turning 1e9999 into a BigInteger would cost the server, not the client.
            return n;
        }
    }
}
