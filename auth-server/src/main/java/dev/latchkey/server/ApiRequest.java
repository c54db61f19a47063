package dev.latchkey.server;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request as the API sees it, without Jetty types, so the routes read plainly.
 *
 * @param method the method, upper case
 * @param path the decoded path, without the query
 * @param query the query parameters (first value of each)
 * @param headers header values by lower-case name
 * @param body the body bytes, already bounded by {@code maxBodyBytes}; empty when none
 * @param clientAddress the client's address (see {@link TrustedProxies})
 */
record ApiRequest(String method, String path, Map<String, String> query, Map<String, List<String>> headers, byte[] body,
                  String clientAddress) {

    ApiRequest {
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
    }

    /** The first value of a header, or null. */
    String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Every value of a header. */
    List<String> headers(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    /** Holds no secret of its own, but the headers and body may: neither is shown. */
    @Override
    public String toString() {
        return "ApiRequest[" + method + " " + path + ", body=" + body.length + " bytes, client=" + clientAddress + "]";
    }
}
