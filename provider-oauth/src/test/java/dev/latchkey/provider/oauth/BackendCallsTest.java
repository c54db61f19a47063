package dev.latchkey.provider.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.testkit.fake.Failure;
import dev.latchkey.testkit.fake.JsonEndpointBackend;
import dev.latchkey.testkit.fake.JsonReply;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** BackendCalls against a real loopback JsonEndpointBackend: what each failure becomes, and what messages never say. */
class BackendCallsTest {
    /** Stands for a user's token in a URL query or an answer's body: never in a message. */
    private static final String SECRET = "SECRET-user-token-4711";

    private final JsonEndpointBackend backend = new JsonEndpointBackend();
    private final BackendCalls calls = new BackendCalls(new OkHttpClient(), "Example", Duration.ofSeconds(1));

    @AfterEach
    void close() {
        backend.close();
    }

    private HttpUrl url(String path) {
        return HttpUrl.get(backend.url(path + "?access_token=" + SECRET));
    }

    /** The call fails with an AuthException whose message names neither the URL, its query, nor a body. */
    private AuthException failure(ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(AuthException.class);
        assertThat(thrown.getMessage()).contains("Example")
                .doesNotContain(SECRET).doesNotContain("access_token").doesNotContain("127.0.0.1")
                .doesNotContain("http://").doesNotContain("/api");
        assertThat(thrown.getCause()).isNull();
        return (AuthException) thrown;
    }

    @Test
    void get_returns_the_json_object_status_and_cache_control() {
        backend.route("/api", r -> JsonReply.ok(Map.of("sub", "alice")).withHeader("Cache-Control", "public, max-age=120"));

        BackendCalls.Reply reply = calls.get(url("/api"));

        assertThat(reply.ok()).isTrue();
        assertThat(reply.status()).isEqualTo(200);
        assertThat(BackendCalls.string(reply.body(), "sub")).isEqualTo("alice");
        assertThat(reply.cacheControl()).isEqualTo("public, max-age=120");
        assertThat(backend.requests()).singleElement()
                .satisfies(r -> assertThat(r.header("Accept")).contains("application/json"));
    }

    @Test
    void a_4xx_json_object_is_an_answer_not_a_failure() {
        backend.route("/api", r -> JsonReply.status(400, Map.of("error", "invalid_grant")));

        BackendCalls.Reply reply = calls.get(url("/api"));

        assertThat(reply.ok()).isFalse();
        assertThat(reply.status()).isEqualTo(400);
        assertThat(BackendCalls.string(reply.body(), "error")).isEqualTo("invalid_grant");
    }

    @Test
    void postForm_sends_the_fields_as_a_form() {
        backend.route("/api", r -> JsonReply.ok(Map.of("ok", true)));

        calls.postForm(url("/api"), Map.of("code", "abc", "grant_type", "authorization_code"));

        assertThat(backend.requests()).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.formBody()).containsEntry("code", "abc").containsEntry("grant_type", "authorization_code");
        });
    }

    @Test
    void status_429_with_retry_after_is_RATE_LIMITED_with_that_wait() {
        backend.route("/api", r -> JsonReply.ok(Map.of()));
        backend.failWith(Failure.TOO_MANY_REQUESTS); // Retry-After: 30

        AuthException e = failure(() -> calls.get(url("/api")));

        assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(30));
    }

    @Test
    void status_429_retry_after_is_capped_at_ten_minutes() {
        backend.route("/api", r -> JsonReply.status(429, Map.of()).withHeader("Retry-After", "86400"));

        AuthException e = failure(() -> calls.get(url("/api")));

        assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(e.retryAfter()).contains(Duration.ofMinutes(10));
    }

    @Test
    void status_429_with_an_http_date_or_no_retry_after_waits_a_default() {
        backend.route("/api", r -> JsonReply.status(429, Map.of()).withHeader("Retry-After", "Wed, 21 Oct 2026 07:28:00 GMT"));
        backend.route("/none", r -> JsonReply.status(429, Map.of()));

        assertThat(failure(() -> calls.get(url("/api"))).retryAfter()).contains(Duration.ofSeconds(30));
        assertThat(failure(() -> calls.get(url("/none"))).retryAfter()).contains(Duration.ofSeconds(30));
    }

    @Test
    void status_500_is_PROVIDER_BACKEND_without_the_body() {
        backend.route("/api", r -> JsonReply.status(500, Map.of("error", SECRET)));

        AuthException e = failure(() -> calls.get(url("/api")));

        assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_BACKEND);
        assertThat(e.getMessage()).contains("500");
    }

    @Test
    void status_503_is_PROVIDER_BACKEND() {
        backend.route("/api", r -> JsonReply.status(503, Map.of("error", "unavailable")));

        assertThat(failure(() -> calls.get(url("/api"))).code()).isEqualTo(ErrorCode.PROVIDER_BACKEND);
    }

    @Test
    void server_error_failure_mode_is_PROVIDER_BACKEND() {
        backend.route("/api", r -> JsonReply.ok(Map.of()));
        backend.failWith(Failure.SERVER_ERROR);

        assertThat(failure(() -> calls.get(url("/api"))).code()).isEqualTo(ErrorCode.PROVIDER_BACKEND);
    }

    @Test
    void connection_refused_is_NETWORK() {
        backend.route("/api", r -> JsonReply.ok(Map.of()));
        HttpUrl url = url("/api");
        backend.failWith(Failure.DOWN);

        assertThat(failure(() -> calls.get(url)).code()).isEqualTo(ErrorCode.NETWORK);
    }

    @Test
    void a_stalled_backend_is_NETWORK_once_the_timeout_passes() {
        backend.route("/api", r -> JsonReply.ok(Map.of()));
        backend.failWith(Failure.STALL);

        AuthException e = failure(() -> calls.get(url("/api")));

        assertThat(e.code()).isEqualTo(ErrorCode.NETWORK);
        assertThat(backend.requestCount()).isEqualTo(1);
    }

    @Test
    void a_json_array_is_PROVIDER_BACKEND_without_the_body() {
        backend.route("/api", r -> JsonReply.ok(List.of(SECRET)));

        assertThat(failure(() -> calls.get(url("/api"))).code()).isEqualTo(ErrorCode.PROVIDER_BACKEND);
    }

    @Test
    void a_json_string_is_PROVIDER_BACKEND() {
        backend.route("/api", r -> JsonReply.ok(SECRET));

        assertThat(failure(() -> calls.get(url("/api"))).code()).isEqualTo(ErrorCode.PROVIDER_BACKEND);
    }

    @Test
    void garbage_is_PROVIDER_BACKEND() {
        backend.route("/api", r -> JsonReply.ok(Map.of()));
        backend.failWith(Failure.GARBAGE);

        assertThat(failure(() -> calls.get(url("/api"))).code()).isEqualTo(ErrorCode.PROVIDER_BACKEND);
    }

    @Test
    void an_answer_over_one_megabyte_is_PROVIDER_BACKEND() {
        backend.route("/api", r -> JsonReply.ok(Map.of("sub", "alice")));
        backend.failWith(Failure.OVERSIZED);

        AuthException e = failure(() -> calls.get(url("/api")));

        assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_BACKEND);
        assertThat(e.getMessage()).doesNotContain("xxxx");
    }

    @Test
    void json_nested_ten_thousand_deep_is_PROVIDER_BACKEND_not_a_stack_overflow() throws Exception {
        // The fake writes its answers with Gson, which cannot make this one: a bare MockWebServer sends it.
        String deep = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
        try (MockWebServer raw = new MockWebServer()) {
            raw.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json").body(deep).build());
            raw.start(InetAddress.getLoopbackAddress(), 0);

            AuthException e = failure(() -> calls.get(raw.url("/api?access_token=" + SECRET)));

            assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_BACKEND);
        }
    }
}
