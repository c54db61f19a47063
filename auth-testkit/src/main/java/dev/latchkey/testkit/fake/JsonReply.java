package dev.latchkey.testkit.fake;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link JsonEndpointBackend} route answers: an HTTP status, a body that Gson serializes
 * to JSON (a {@code Map}, {@code List}, {@code String}, {@code Number}, {@code Boolean}, a Gson
 * {@code JsonElement}, or {@code null} for JSON {@code null}), and extra headers.
 *
 * @param status the HTTP status code, 100-599
 * @param body the JSON body, before serialization
 * @param headers extra response headers; {@code Content-Type: application/json} is always sent
 */
public record JsonReply(int status, Object body, Map<String, String> headers) {

    /**
     * Checks the status and copies the headers.
     *
     * @param status see the record description
     * @param body see the record description
     * @param headers see the record description
     */
    public JsonReply {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("an HTTP status is 100-599, not " + status);
        }
        headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
    }

    /**
     * A 200 answer.
     *
     * @param body the JSON body
     * @return the reply
     */
    public static JsonReply ok(Object body) {
        return new JsonReply(200, body, Map.of());
    }

    /**
     * An answer with any status.
     *
     * @param status the HTTP status
     * @param body the JSON body
     * @return the reply
     */
    public static JsonReply status(int status, Object body) {
        return new JsonReply(status, body, Map.of());
    }

    /**
     * The same reply with one more header.
     *
     * @param name the header name
     * @param value its value
     * @return a new reply
     */
    public JsonReply withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new JsonReply(status, body, more);
    }
}
