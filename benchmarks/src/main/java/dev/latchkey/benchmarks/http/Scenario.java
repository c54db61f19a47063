package dev.latchkey.benchmarks.http;

import java.util.List;
import okhttp3.Request;

/**
 * One kind of request to put under load: each call sends one of {@code requests}, picked uniformly at
 * random (OkHttp's requests are immutable, so they are built once, before measuring, and the load
 * generator spends no time building them), and succeeds when the answer has {@code expectedStatus}.
 *
 * @param name how the report names it
 * @param requests the requests to choose from; at least one
 * @param expectedStatus the status of a successful answer
 */
record Scenario(String name, List<Request> requests, int expectedStatus) {
    Scenario {
        requests = List.copyOf(requests);
        if (requests.isEmpty()) {
            throw new IllegalArgumentException(name + ": no requests to send");
        }
    }
}
