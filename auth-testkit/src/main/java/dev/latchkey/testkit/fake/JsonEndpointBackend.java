package dev.latchkey.testkit.fake;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okio.ByteString;

/**
 * A scripted JSON endpoint on a real loopback socket (OkHttp's MockWebServer): routes map a path
 * to a handler that answers JSON, every request is recorded, and the whole backend can be made to
 * fail ({@link #failWith(Failure)}). It is the base of the testkit's fakes: a fake Google, Facebook
 * or JWKS endpoint is a {@code JsonEndpointBackend} with the routes of that service.
 *
 * <pre>{@code
 * JsonEndpointBackend backend = new JsonEndpointBackend()
 *         .route("/verify", request -> request.jsonBody()
 *                 .map(json -> JsonReply.ok(Map.of("sub", "alice")))
 *                 .orElse(JsonReply.status(400, Map.of("error", "invalid_request"))));
 * String endpoint = backend.url("/verify");   // starts it: http://127.0.0.1:PORT/verify
 * backend.failWith(Failure.STALL);             // the next requests hang
 * backend.reset();                             // normal service again
 * backend.close();
 * }</pre>
 *
 * <p>A path without a route answers 404 with a JSON error. A route that throws answers 500 and
 * names the exception class. Thread-safe. Requests are recorded before any failure applies, so a
 * test can check that the provider did call the backend; {@link Failure#DOWN} records nothing,
 * since nothing connects.
 */
public class JsonEndpointBackend implements FakeBackend {
    /**
     * The whitespace {@link Failure#OVERSIZED} sends before the answer: 1 MiB and 64 KiB, more than any
     * answer a provider should read (SECURITY.md #7 bounds reads at 1 MB).
     */
    public static final int OVERSIZED_BYTES = 1_048_576 + 65_536;
    /** How many bytes of the body {@link Failure#SLOW} sends at a time. */
    public static final int SLOW_CHUNK_BYTES = 16;
    /** How long {@link Failure#SLOW} waits between two chunks of the body. */
    public static final Duration SLOW_CHUNK_PERIOD = Duration.ofMillis(250);
    /** The whitespace {@link Failure#SLOW} sends before the answer: at the pace above, 4 minutes of it. */
    public static final int SLOW_BODY_BYTES = 16 * 960;

    private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
    private static final String JSON = "application/json; charset=utf-8";
    private static final String GARBAGE_BODY =
            "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>upstream error</body></html>";

    /** What a route does with a request. */
    @FunctionalInterface
    public interface Handler {
        /**
         * Answers a request.
         *
         * @param request what arrived
         * @return the answer
         */
        JsonReply handle(BackendRequest request);
    }

    private final Map<String, Handler> routes = new ConcurrentHashMap<>();
    private final List<BackendRequest> requests = new ArrayList<>();
    private final InetAddress address = InetAddress.getLoopbackAddress();
    private MockWebServer server;
    private int port;
    private boolean closed;
    private Failure failure;
    private CountDownLatch stallRelease = new CountDownLatch(1);

    /** A backend with no routes; nothing listens until {@link #start()} or {@link #url(String)}. */
    public JsonEndpointBackend() {
    }

    /**
     * Answers requests to a path (any method) with a handler; replaces an earlier route of that path.
     *
     * @param path the decoded path, starting with {@code /}
     * @param handler what answers
     * @return this backend
     */
    public JsonEndpointBackend route(String path, Handler handler) {
        routes.put(checkedPath(path), Objects.requireNonNull(handler, "handler"));
        return this;
    }

    /**
     * A handler that plays replies in turn, one per request, then repeats the last: a script for
     * a backend that, say, fails twice and then answers ({@code inTurn(JsonReply.status(503, ...),
     * JsonReply.status(503, ...), JsonReply.ok(...))}). Thread-safe: racing requests each get
     * their own turn.
     *
     * @param first the first reply
     * @param then the replies after it, in order
     * @return the handler, for {@link #route(String, Handler)}
     */
    public static Handler inTurn(JsonReply first, JsonReply... then) {
        List<JsonReply> script = new ArrayList<>();
        script.add(Objects.requireNonNull(first, "first"));
        for (JsonReply reply : then) {
            script.add(Objects.requireNonNull(reply, "a reply of the script"));
        }
        AtomicInteger turn = new AtomicInteger();
        return request -> script.get(Math.min(turn.getAndIncrement(), script.size() - 1));
    }

    /**
     * Starts listening on an ephemeral loopback port. Idempotent.
     *
     * @return this backend
     * @throws IllegalStateException when the backend was closed
     * @throws UncheckedIOException when no port can be had
     */
    public synchronized JsonEndpointBackend start() {
        if (closed) {
            throw new IllegalStateException("the backend is closed");
        }
        if (server == null && port == 0) {
            server = listen(0);
            port = server.getPort();
        }
        return this;
    }

    /**
     * The address of a path on this backend, starting it if needed. The host is the loopback
     * address as a literal ({@code 127.0.0.1}), so no name lookup can send the request elsewhere.
     *
     * @param path the path, starting with {@code /}; may carry a query
     * @return for example {@code http://127.0.0.1:54321/verify}
     */
    public String url(String path) {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("a path starts with '/'");
        }
        int listeningPort;
        synchronized (this) {
            start();
            listeningPort = port;
        }
        String host = address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
        return "http://" + host + ":" + listeningPort + path;
    }

    /**
     * The port the backend listens on (and will listen on again after {@link Failure#DOWN}).
     *
     * @return the port, once started
     */
    public synchronized int port() {
        start();
        return port;
    }

    /**
     * The requests received so far, oldest first, kept across {@link #reset()}.
     *
     * @return a copy
     */
    public synchronized List<BackendRequest> requests() {
        return List.copyOf(requests);
    }

    /**
     * How many requests arrived so far.
     *
     * @return the count
     */
    public synchronized int requestCount() {
        return requests.size();
    }

    /** Forgets the recorded requests. */
    public synchronized void clearRequests() {
        requests.clear();
    }

    /**
     * The failure in force.
     *
     * @return the failure, or empty in normal service
     */
    public synchronized Optional<Failure> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public synchronized void failWith(Failure newFailure) {
        Objects.requireNonNull(newFailure, "failure");
        start();
        if (failure == Failure.STALL && newFailure != Failure.STALL) {
            releaseStalled();
        }
        failure = newFailure;
        if (newFailure == Failure.DOWN && server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    public synchronized void reset() {
        if (closed) {
            throw new IllegalStateException("the backend is closed");
        }
        releaseStalled();
        failure = null;
        if (server == null && port != 0) {
            server = listen(port);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        releaseStalled();
        failure = null;
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    public synchronized String toString() {
        return getClass().getSimpleName() + "[port=" + port + ", routes=" + routes.keySet() + ", failure=" + failure
                + (closed ? ", closed" : "") + "]";
    }

    private void releaseStalled() {
        stallRelease.countDown();
        stallRelease = new CountDownLatch(1);
    }

    private MockWebServer listen(int onPort) {
        MockWebServer s = new MockWebServer();
        s.setDispatcher(new Router());
        try {
            s.start(address, onPort);
        } catch (IOException e) {
            s.close();
            throw new UncheckedIOException(onPort == 0 ? "the fake backend found no free loopback port"
                    : "the fake backend could not listen again on port " + onPort + " (taken meanwhile?)", e);
        }
        return s;
    }

    private MockResponse answer(BackendRequest request) throws InterruptedException {
        Failure current;
        CountDownLatch stall;
        synchronized (this) {
            if (closed) {
                return text(503, "closed");
            }
            requests.add(request);
            current = failure;
            stall = stallRelease;
        }
        if (current == null) {
            return json(routed(request));
        }
        switch (current) {
            case STALL:
                stall.await();
                return text(503, "released from a stall");
            case SERVER_ERROR:
                return json(JsonReply.status(500, Map.of("error", "internal_error",
                        "error_description", "the fake backend was told to fail")));
            case TOO_MANY_REQUESTS:
                return json(JsonReply.status(429, Map.of("error", "rate_limited")).withHeader("Retry-After", "30"));
            case GARBAGE:
                return new MockResponse.Builder().code(200).setHeader("Content-Type", JSON).body(GARBAGE_BODY).build();
            case OVERSIZED:
                return oversized(routed(request));
            case SLOW:
                return trickled(routed(request));
            case DOWN:
            default:
                // DOWN closes the server; a request that raced the shutdown gets a dropped connection.
                return text(503, "down");
        }
    }

    private JsonReply routed(BackendRequest request) {
        Handler handler = routes.get(request.path());
        if (handler == null) {
            return JsonReply.status(404, Map.of("error", "not_found", "error_description", "no route for " + request.path()));
        }
        try {
            JsonReply reply = handler.handle(request);
            return reply != null ? reply : JsonReply.status(500, Map.of("error", "the route returned no reply"));
        } catch (RuntimeException e) {
            return JsonReply.status(500, Map.of("error", "the fake's route threw " + e.getClass().getName()));
        }
    }

    private static MockResponse json(JsonReply reply) {
        MockResponse.Builder builder = new MockResponse.Builder().code(reply.status()).setHeader("Content-Type", JSON);
        reply.headers().forEach(builder::setHeader);
        return builder.body(GSON.toJson(reply.body())).build();
    }

    private static MockResponse text(int status, String body) {
        return new MockResponse.Builder().code(status).setHeader("Content-Type", "text/plain").body(body).build();
    }

    /**
     * The answer the script would give, after {@link #OVERSIZED_BYTES} of JSON whitespace, sent chunked:
     * every JSON parser reads the same value, whatever its shape (object, array, string), so only a
     * provider that bounds what it reads can tell.
     */
    private static MockResponse oversized(JsonReply reply) {
        return new MockResponse.Builder().code(200).setHeader("Content-Type", JSON)
                .chunkedBody(" ".repeat(OVERSIZED_BYTES) + GSON.toJson(reply.body()), 64 * 1024).build();
    }

    /**
     * The answer the script would give, status and headers included, after {@link #SLOW_BODY_BYTES}
     * of JSON whitespace, sent a few bytes at a time: each read is quick, the whole value arrives
     * only after minutes.
     */
    private static MockResponse trickled(JsonReply reply) {
        MockResponse.Builder builder = new MockResponse.Builder().code(reply.status()).setHeader("Content-Type", JSON);
        reply.headers().forEach(builder::setHeader);
        return builder.body(" ".repeat(SLOW_BODY_BYTES) + GSON.toJson(reply.body()))
                .throttleBody(SLOW_CHUNK_BYTES, SLOW_CHUNK_PERIOD.toMillis(), TimeUnit.MILLISECONDS)
                .build();
    }

    private static BackendRequest toRequest(RecordedRequest recorded) {
        HttpUrl url = recorded.getUrl();
        Map<String, String> query = new LinkedHashMap<>();
        for (String name : url.queryParameterNames()) {
            String value = url.queryParameter(name);
            query.put(name, value == null ? "" : value);
        }
        Headers headers = recorded.getHeaders();
        List<String[]> pairs = new ArrayList<>();
        for (int i = 0; i < headers.size(); i++) {
            pairs.add(new String[] {headers.name(i), headers.value(i)});
        }
        ByteString body = recorded.getBody();
        String path = "/" + String.join("/", url.pathSegments());
        return new BackendRequest(recorded.getMethod(), path, query, BackendRequest.lowerCaseHeaders(pairs),
                body == null ? "" : body.string(StandardCharsets.UTF_8));
    }

    private static String checkedPath(String path) {
        if (path == null || !path.startsWith("/") || path.contains("?")) {
            throw new IllegalArgumentException("a route path starts with '/' and has no query");
        }
        return path;
    }

    /** Routes each request, applying the failure in force. */
    private final class Router extends Dispatcher {
        @Override
        public MockResponse dispatch(RecordedRequest recorded) throws InterruptedException {
            return answer(toRequest(recorded));
        }
    }
}
