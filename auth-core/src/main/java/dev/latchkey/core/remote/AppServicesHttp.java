package dev.latchkey.core.remote;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.core.json.MalformedJsonException;
import dev.latchkey.core.json.StrictJson;
import dev.latchkey.core.text.Printable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The wire under the HTTP client: one OkHttp client, the app's location, and one exchange per
 * call, with every way an answer can go wrong turned into an {@link AuthException}.
 *
 * <ul>
 *   <li>Answers are read to at most {@link #MAX_BODY_BYTES}; more is {@code PROVIDER_BACKEND}.</li>
 *   <li>Not reaching the server, or no whole answer within the timeout, is {@code NETWORK}.</li>
 *   <li>Errors are App Services' {@code {"error", "error_code", "link"}}, read back through the
 *       {@link Route}; a 429 carries the server's {@code Retry-After} (1 s - 10 min).</li>
 *   <li>Redirects are not followed: a token must never be carried to an address nobody configured.</li>
 *   <li>Tokens travel in the {@code Authorization} header only; messages name the route, never a URL.</li>
 * </ul>
 */
final class AppServicesHttp implements AutoCloseable {
    /** The most of an answer that is read (SECURITY.md 7 bounds reads at 1 MB). */
    static final int MAX_BODY_BYTES = 1_000_000;
    static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);
    static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(60);
    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
    /** The server's own message is shown cut to this many printable characters. */
    private static final int MAX_SHOWN_ERROR = 200;
    /** A string we sent that is at least this long is masked if the server echoes it back. */
    private static final int MIN_MASKED_SECRET = 4;

    private final String appId;
    private final HttpUrl baseUrl;
    private final Duration timeout;
    private final Clock clock;
    private final OkHttpClient http;
    /** The location route's hostname, once known; every later call goes there. */
    private volatile HttpUrl location;

    AppServicesHttp(String appId, HttpUrl baseUrl, Duration timeout, Clock clock) {
        this.appId = appId;
        this.baseUrl = baseUrl;
        this.timeout = timeout;
        this.clock = clock;
        Duration connect = timeout.compareTo(MAX_CONNECT_TIMEOUT) < 0 ? timeout : MAX_CONNECT_TIMEOUT;
        this.http = new OkHttpClient.Builder()
                .followRedirects(false)
                .followSslRedirects(false)
                // A request sent again behind the caller's back would make "one refresh" two.
                .retryOnConnectionFailure(false)
                .connectTimeout(connect.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .writeTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                // The whole exchange: a server that trickles its answer never trips a read timeout.
                .callTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .build();
    }

    /**
     * Checks a base URL (or a location's hostname): absolute, https, or http to a loopback
     * address only, with no user info, query or fragment; a trailing slash is dropped.
     *
     * @param url the URL
     * @param what what it is, for the message
     * @param code the code of the failure
     * @return the URL
     */
    static HttpUrl checkedBaseUrl(String url, String what, ErrorCode code) {
        HttpUrl parsed = url == null ? null : HttpUrl.parse(url);
        if (parsed == null) {
            throw new AuthException(code, what + " is not an absolute http(s) URL");
        }
        if (!parsed.username().isEmpty() || !parsed.password().isEmpty() || parsed.query() != null || parsed.fragment() != null) {
            throw new AuthException(code, what + " must not carry user info, a query or a fragment");
        }
        if (parsed.scheme().equals("http") && !isLoopback(parsed.host())) {
            // Tokens and passwords in the clear over a network: only a server on this machine may be plain http.
            throw new AuthException(code, what + " must be https (plain http only for a loopback address), not http://"
                    + Printable.cut(parsed.host(), 100));
        }
        List<String> segments = parsed.pathSegments().stream().filter(s -> !s.isEmpty()).toList();
        HttpUrl.Builder b = parsed.newBuilder().encodedPath("/");
        segments.forEach(b::addPathSegment);
        return b.build();
    }

    private static boolean isLoopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        // Only literals: a name could resolve anywhere. HttpUrl gives IPv6 hosts without brackets.
        if (!host.matches("[0-9.]+") && !host.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    String appId() {
        return appId;
    }

    /** {@code <location>/api/client/v2.0/app/<appId>/<segments>}, fetching the location first if needed. */
    HttpUrl appUrl(String... segments) {
        HttpUrl.Builder b = location().newBuilder().addPathSegments("api/client/v2.0/app").addPathSegment(appId);
        for (String s : segments) {
            b.addPathSegment(s);
        }
        return b.build();
    }

    /** {@code <location>/api/client/v2.0/auth/<segments>}, fetching the location first if needed. */
    HttpUrl authUrl(String... segments) {
        HttpUrl.Builder b = location().newBuilder().addPathSegments("api/client/v2.0/auth");
        for (String s : segments) {
            b.addPathSegment(s);
        }
        return b.build();
    }

    /**
     * Where the app's calls go, as the location route says; asked once per client and kept. A
     * failed ask is not kept: the next call asks again.
     */
    private HttpUrl location() {
        HttpUrl known = location;
        if (known != null) {
            return known;
        }
        HttpUrl url = baseUrl.newBuilder().addPathSegments("api/client/v2.0/app").addPathSegment(appId).addPathSegment("location").build();
        JsonObject answer = Answers.object(exchange(Route.LOCATION, "GET", url, null, null, List.of()), Route.LOCATION);
        String hostname = Answers.string(answer, "hostname", Route.LOCATION, 2048);
        HttpUrl checked = checkedBaseUrl(hostname, "the hostname the server's location answer names", ErrorCode.PROVIDER_BACKEND);
        location = checked;
        return checked;
    }

    /**
     * One exchange.
     *
     * @param route what it is
     * @param method the HTTP method
     * @param url where
     * @param body the JSON body, or null
     * @param bearer the token for {@code Authorization: Bearer}, or null
     * @param secrets strings of the request to mask if the server echoes them in an error
     * @return the answer's JSON, or null when a 2xx answer had no body
     */
    JsonElement exchange(Route route, String method, HttpUrl url, JsonElement body, String bearer, Collection<String> secrets) {
        RequestBody requestBody = body != null ? RequestBody.create(GSON.toJson(body), JSON)
                : method.equals("GET") || method.equals("DELETE") ? null : RequestBody.create(new byte[0], JSON);
        Request.Builder request = new Request.Builder().url(url).method(method, requestBody).header("Accept", "application/json");
        if (bearer != null) {
            request.header("Authorization", "Bearer " + Tokens.checkedForHeader(bearer));
        }
        try (Response response = http.newCall(request.build()).execute()) {
            byte[] bytes = readBounded(response.body(), route);
            int status = response.code();
            if (status >= 200 && status < 300) {
                return bytes.length == 0 ? null : parse(bytes, route, status);
            }
            throw failure(route, response, bytes, secrets);
        } catch (InterruptedIOException e) {
            throw new AuthException(ErrorCode.NETWORK, "the server did not answer " + route.what() + " within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            // The exception's message names an address at most; the class says enough and holds nothing.
            throw new AuthException(ErrorCode.NETWORK, "could not reach the server for " + route.what() + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static byte[] readBounded(ResponseBody body, Route route) throws IOException {
        if (body == null) {
            return new byte[0];
        }
        if (body.contentLength() > MAX_BODY_BYTES) {
            throw tooLarge(route);
        }
        try (InputStream in = body.byteStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw tooLarge(route);
            }
            return bytes;
        }
    }

    private static AuthException tooLarge(Route route) {
        return new AuthException(ErrorCode.PROVIDER_BACKEND, "the server's answer to " + route.what() + " is larger than "
                + MAX_BODY_BYTES + " bytes");
    }

    private static JsonElement parse(byte[] bytes, Route route, int status) {
        try {
            return StrictJson.parse(utf8(bytes));
        } catch (MalformedJsonException | CharacterCodingException e) {
            throw new AuthException(ErrorCode.PROVIDER_BACKEND, "the server's answer to " + route.what() + " (HTTP " + status
                    + ") is not JSON");
        }
    }

    private static String utf8(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    }

    private AuthException failure(Route route, Response response, byte[] bytes, Collection<String> secrets) {
        int status = response.code();
        String wireCode = null;
        String error = null;
        try {
            JsonElement parsed = StrictJson.parse(utf8(bytes));
            if (parsed.isJsonObject()) {
                wireCode = Answers.optionalString(parsed.getAsJsonObject(), "error_code");
                error = Answers.optionalString(parsed.getAsJsonObject(), "error");
            }
        } catch (MalformedJsonException | CharacterCodingException | AuthException e) {
            // An error page, not App Services' JSON: the status alone decides.
        }
        ErrorCode code = route.fromWire(wireCode, status);
        if (code == null) {
            code = route.fromStatus(status);
        }
        StringBuilder message = new StringBuilder("the server refused ").append(route.what()).append(" (HTTP ").append(status);
        if (wireCode != null) {
            message.append(", ").append(Printable.cut(wireCode, 60));
        }
        message.append(')');
        if (error != null && !error.isBlank()) {
            message.append(": ").append(Printable.cut(masked(error, secrets), MAX_SHOWN_ERROR));
        }
        if (status == 429 || code == ErrorCode.RATE_LIMITED) {
            return AuthException.retryLater(code, message.toString(), retryAfter(response.header("Retry-After")));
        }
        return new AuthException(code, message.toString());
    }

    /** A server that echoes a password or token back in its error must not put it into our message. */
    private static String masked(String text, Collection<String> secrets) {
        String result = text;
        for (String secret : secrets) {
            if (secret != null && secret.length() >= MIN_MASKED_SECRET) {
                result = result.replace(secret, "(hidden)");
            }
        }
        return result;
    }

    /** Delta-seconds or an HTTP date, bounded to 1 s - 10 min; a minute when absent or unreadable. */
    private Duration retryAfter(String header) {
        if (header == null || header.isBlank() || header.length() > 64) {
            return DEFAULT_RETRY_AFTER;
        }
        Duration wait;
        String value = header.trim();
        if (value.matches("[0-9]{1,9}")) {
            wait = Duration.ofSeconds(Long.parseLong(value));
        } else {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                wait = Duration.between(clock.instant(), at);
            } catch (DateTimeParseException e) {
                return DEFAULT_RETRY_AFTER;
            }
        }
        if (wait.compareTo(Duration.ofSeconds(1)) < 0) {
            return Duration.ofSeconds(1);
        }
        return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
