package dev.latchkey.server;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a route answers: a status, a JSON body or none, extra headers.
 *
 * @param status the HTTP status
 * @param json the JSON body, or null for an empty one (then no Content-Type is sent, which the
 *     Realm SDKs read as "no result")
 * @param headers further headers
 */
record ApiResponse(int status, String json, Map<String, String> headers) {
    ApiResponse {
        headers = Map.copyOf(headers);
    }

    static ApiResponse json(int status, String json) {
        return new ApiResponse(status, json, Map.of());
    }

    static ApiResponse empty(int status) {
        return new ApiResponse(status, null, Map.of());
    }

    ApiResponse withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new ApiResponse(status, json, copy);
    }

    /** The body may hold tokens: never shown. */
    @Override
    public String toString() {
        return "ApiResponse[" + status + (json == null ? ", no body" : ", json") + "]";
    }
}
