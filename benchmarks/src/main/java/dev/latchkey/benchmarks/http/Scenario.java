package dev.latchkey.benchmarks.http;

import java.util.List;
import okhttp3.Request;

/**
 * One kind of request to put under load: each call sends one of {@code requests}, picked uniformly at
 * random (OkHttp's requests are immutable, so they are built once, before measuring, and the load
 * generator spends no time building them), and succeeds when the answer has {@code expectedStatus} and,
 * when {@code expectedField} is set, a JSON object body with a non-empty string in that field.
 *
 * @param name how the report names it
 * @param requests the requests to choose from; at least one
 * @param expectedStatus the status of a successful answer
 * @param expectedField the field a successful answer's JSON body must hold ({@code "access_token"}), or null
 */
record Scenario(String name, List<Request> requests, int expectedStatus, String expectedField) {
    Scenario {
        requests = List.copyOf(requests);
        if (requests.isEmpty()) {
            throw new IllegalArgumentException(name + ": no requests to send");
        }
    }

    /** A scenario whose answers are checked by status only. */
    Scenario(String name, List<Request> requests, int expectedStatus) {
        this(name, requests, expectedStatus, null);
    }
}
