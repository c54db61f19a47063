package dev.latchkey.testkit.fake;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A request a {@link JsonEndpointBackend} received, as its routes and the test see it. Immutable.
 *
 * <p>{@link #toString()} shows the method, path and body size only: bodies and query strings
 * carry the tokens a provider forwards, and a test report must not print them.
 *
 * @param method the HTTP method, for example {@code "POST"}
 * @param path the decoded path, for example {@code "/verify"}
 * @param query the query parameters, decoded; the first value of each name
 * @param headers the request headers, names in lower case; the last value of each name
 * @param body the body decoded as UTF-8; empty when there was none
 */
public record BackendRequest(String method, String path, Map<String, String> query, Map<String, String> headers,
                             String body) {

    /**
     * Copies the maps.
     *
     * @param method see the record description
     * @param path see the record description
     * @param query see the record description
     * @param headers see the record description
     * @param body see the record description
     */
    public BackendRequest {
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
        body = body == null ? "" : body;
    }

    /**
     * A header, by case-insensitive name.
     *
     * @param name the header name
     * @return its value, or empty
     */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    /**
     * A query parameter.
     *
     * @param name the parameter name
     * @return its first value, or empty
     */
    public Optional<String> queryParameter(String name) {
        return Optional.ofNullable(query.get(name));
    }

    /**
     * The body as a JSON object, for routes that take JSON.
     *
     * @return the object, or empty when the body is not a JSON object
     */
    public Optional<JsonObject> jsonBody() {
        try {
            JsonElement element = JsonParser.parseString(body);
            return element.isJsonObject() ? Optional.of(element.getAsJsonObject()) : Optional.empty();
        } catch (JsonParseException e) {
            return Optional.empty();
        }
    }

    /**
     * The body as {@code application/x-www-form-urlencoded} fields, for routes that take forms
     * (OAuth token endpoints).
     *
     * @return the decoded fields; the first value of each name
     */
    public Map<String, String> formBody() {
        return decodeForm(body);
    }

    static Map<String, String> decodeForm(String encoded) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return fields;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                fields.putIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                fields.putIfAbsent(name, value);
            }
        }
        return fields;
    }

    static Map<String, String> lowerCaseHeaders(List<String[]> pairs) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String[] pair : pairs) {
            headers.put(pair[0].toLowerCase(Locale.ROOT), pair[1]);
        }
        return headers;
    }

    /** Method, path and body size; never the body or the query, which may hold secrets. */
    @Override
    public String toString() {
        return "BackendRequest[" + method + " " + path + ", body=" + body.length() + " chars]";
    }
}
