package dev.latchkey.core.remote;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;

/**
 * Reads fields of the server's answers, refusing what does not have the expected type or size
 * with {@code PROVIDER_BACKEND}: a server's answer is input like any other, and what it says
 * ends up in the session cache.
 */
final class Answers {
    private Answers() {
    }

    static AuthException bad(Route route, String problem) {
        return new AuthException(ErrorCode.PROVIDER_BACKEND, "the server's answer to " + route.what() + " is unusable: " + problem);
    }

    static JsonObject object(JsonElement answer, Route route) {
        if (answer == null || !answer.isJsonObject()) {
            throw bad(route, "not a JSON object");
        }
        return answer.getAsJsonObject();
    }

    /** A required string field of at most {@code maxLength} characters. */
    static String string(JsonObject object, String field, Route route, int maxLength) {
        JsonElement e = object.get(field);
        if (e == null || e.isJsonNull()) {
            throw bad(route, "'" + field + "' is missing");
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw bad(route, "'" + field + "' is not a string");
        }
        String value = e.getAsString();
        if (value.isEmpty() || value.length() > maxLength) {
            throw bad(route, "'" + field + "' is empty or longer than " + maxLength + " characters");
        }
        return value;
    }

    /** An optional string field of at most {@code maxLength} characters: null when absent or null. */
    static String optionalString(JsonObject object, String field, Route route, int maxLength) {
        JsonElement e = object.get(field);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        return string(object, field, route, maxLength);
    }

    /** A string field of an error answer, or null when absent or not a string: an error is read leniently. */
    static String optionalString(JsonObject object, String field) {
        JsonElement e = object.get(field);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
    }

    /** A short identifier (user id, key id): visible ASCII, 1-256 characters, as the session cache demands. */
    static String id(JsonObject object, String field, Route route) {
        String value = string(object, field, route, 256);
        if (!Tokens.isVisibleAscii(value)) {
            throw bad(route, "'" + field + "' is not visible ASCII");
        }
        return value;
    }

    static boolean bool(JsonObject object, String field, Route route) {
        JsonElement e = object.get(field);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw bad(route, "'" + field + "' is not a boolean");
        }
        return e.getAsBoolean();
    }
}
