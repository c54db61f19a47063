package dev.latchkey.testkit.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JsonEndpointBackendTest {
    private static final MediaType JSON = MediaType.get("application/json");

    private final OkHttpClient client = new OkHttpClient.Builder()
            .readTimeout(Duration.ofMillis(300))
            .callTimeout(Duration.ofSeconds(10))
            .build();
    private final JsonEndpointBackend backend = new JsonEndpointBackend()
            .route("/verify", request -> JsonReply.ok(Map.of("sub", "alice",
                    "token", request.jsonBody().map(j -> j.get("token").getAsString()).orElse("(none)"))))
            .route("/boom", request -> {
                throw new IllegalStateException("route bug");
            });

    @AfterEach
    void close() {
        backend.close();
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    @Test
    void aRouteAnswersJsonAndTheRequestIsRecorded() throws IOException {
        try (Response response = post("/verify", "{\"token\":\"tok-1\"}")) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("Content-Type")).startsWith("application/json");
            assertThat(json(response).get("sub").getAsString()).isEqualTo("alice");
        }

        assertThat(backend.requests()).hasSize(1);
        BackendRequest recorded = backend.requests().get(0);
        assertThat(recorded.method()).isEqualTo("POST");
        assertThat(recorded.path()).isEqualTo("/verify");
        assertThat(recorded.header("X-Test")).contains("yes");
        assertThat(recorded.jsonBody().orElseThrow().get("token").getAsString()).isEqualTo("tok-1");
        assertThat(recorded.toString()).contains("POST /verify").doesNotContain("tok-1");
    }

    @Test
    void queryParametersAndFormBodiesAreDecoded() throws IOException {
        Request get = new Request.Builder().url(backend.url("/verify?input_token=a%20b&x=1")).build();
        client.newCall(get).execute().close();
        Request form = new Request.Builder().url(backend.url("/verify"))
                .post(RequestBody.create("code=c%3D1&redirect_uri=http%3A%2F%2Fx", MediaType.get("application/x-www-form-urlencoded")))
                .build();
        client.newCall(form).execute().close();

        assertThat(backend.requests().get(0).queryParameter("input_token")).contains("a b");
        assertThat(backend.requests().get(0).queryParameter("x")).contains("1");
        assertThat(backend.requests().get(1).formBody()).containsEntry("code", "c=1").containsEntry("redirect_uri", "http://x");
    }

    @Test
    void theUrlIsALoopbackLiteral() {
        assertThat(backend.url("/verify")).matches("http://127\\.0\\.0\\.1:\\d+/verify");
        assertThat(backend.port()).isPositive();
    }

    @Test
    void aPathWithoutARouteIs404() throws IOException {
        try (Response response = post("/nowhere", "{}")) {
            assertThat(response.code()).isEqualTo(404);
            assertThat(json(response).get("error").getAsString()).isEqualTo("not_found");
        }
    }

    @Test
    void aRouteThatThrowsIs500NamingTheException() throws IOException {
        try (Response response = post("/boom", "{}")) {
            assertThat(response.code()).isEqualTo(500);
            assertThat(json(response).get("error").getAsString()).contains("java.lang.IllegalStateException");
        }
    }

    @Test
    void downRefusesConnectionsAndResetListensAgainOnTheSamePort() throws IOException {
        String url = backend.url("/verify");
        backend.failWith(Failure.DOWN);

        assertThatThrownBy(() -> post("/verify", "{}").close()).isInstanceOf(ConnectException.class);
        assertThat(backend.requestCount()).isZero();
        assertThat(backend.failure()).contains(Failure.DOWN);

        backend.reset();
        assertThat(backend.url("/verify")).isEqualTo(url);
        try (Response response = post("/verify", "{\"token\":\"t\"}")) {
            assertThat(response.code()).isEqualTo(200);
        }
        assertThat(backend.failure()).isEmpty();
    }

    @Test
    void stallAcceptsTheRequestButNeverAnswersUntilReset() throws IOException {
        backend.failWith(Failure.STALL);

        assertThatThrownBy(() -> post("/verify", "{}").close()).isInstanceOf(InterruptedIOException.class);
        assertThat(backend.requestCount()).as("the stalled request was received").isEqualTo(1);

        backend.reset();
        try (Response response = post("/verify", "{\"token\":\"t\"}")) {
            assertThat(response.code()).isEqualTo(200);
        }
    }

    @Test
    void closeLetsAStalledRequestGo() {
        backend.failWith(Failure.STALL);
        OkHttpClient patient = client.newBuilder().readTimeout(Duration.ofSeconds(30)).build();
        CompletableFuture<Integer> stalled = CompletableFuture.supplyAsync(() -> {
            try (Response r = patient.newCall(new Request.Builder().url(backend.url("/verify"))
                    .post(RequestBody.create("{}", JSON)).build()).execute()) {
                return r.code();
            } catch (IOException e) {
                return -1;
            }
        });
        awaitRequests(1);

        assertTimeoutPreemptively(Duration.ofSeconds(10), backend::close);
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(10), () -> stalled.join()))
                .as("the stalled call ends once the backend closes").isNotNull();
    }

    @Test
    void slowAnswersAtOnceButTricklesTheBodySoOnlyADeadlineForTheWholeCallEndsIt() throws IOException {
        backend.failWith(Failure.SLOW);
        OkHttpClient deadline = client.newBuilder().callTimeout(Duration.ofMillis(1500)).build();
        long start = System.nanoTime();
        try (Response response = deadline.newCall(new Request.Builder().url(backend.url("/verify"))
                .post(RequestBody.create("{\"token\":\"t\"}", JSON)).build()).execute()) {
            assertThat(response.code()).as("the headers come at once").isEqualTo(200);
            byte[] first = response.body().source().readByteArray(JsonEndpointBackend.SLOW_CHUNK_BYTES * 2L);
            assertThat(first).as("chunks keep coming, each within the 300 ms read timeout").hasSize(32);
            assertThatThrownBy(() -> response.body().string())
                    .as("the whole body takes minutes: the call's deadline ends it")
                    .isInstanceOf(InterruptedIOException.class);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        assertThat(backend.requestCount()).isEqualTo(1);
    }

    @Test
    void closeEndsATrickledAnswer() {
        backend.failWith(Failure.SLOW);
        CompletableFuture<String> trickling = CompletableFuture.supplyAsync(() -> {
            try (Response r = client.newBuilder().callTimeout(Duration.ofMinutes(10)).build()
                    .newCall(new Request.Builder().url(backend.url("/verify")).post(RequestBody.create("{}", JSON)).build())
                    .execute()) {
                return "read " + r.body().string().length();
            } catch (IOException e) {
                return "failed " + e.getClass().getSimpleName();
            }
        });
        awaitRequests(1);

        backend.close();
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(10), () -> trickling.join()))
                .as("the trickle ends with the connection").startsWith("failed");
    }

    @Test
    void serverErrorIs500WithAJsonError() throws IOException {
        backend.failWith(Failure.SERVER_ERROR);
        try (Response response = post("/verify", "{}")) {
            assertThat(response.code()).isEqualTo(500);
            assertThat(json(response).get("error").getAsString()).isEqualTo("internal_error");
        }
        assertThat(backend.requestCount()).isEqualTo(1);
    }

    @Test
    void tooManyRequestsIs429WithRetryAfter() throws IOException {
        backend.failWith(Failure.TOO_MANY_REQUESTS);
        try (Response response = post("/verify", "{}")) {
            assertThat(response.code()).isEqualTo(429);
            assertThat(response.header("Retry-After")).isEqualTo("30");
        }
    }

    @Test
    void garbageIs200LabelledJsonThatIsNotJson() throws IOException {
        backend.failWith(Failure.GARBAGE);
        try (Response response = post("/verify", "{}")) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("Content-Type")).startsWith("application/json");
            String body = response.body().string();
            assertThatThrownBy(() -> JsonParser.parseString(body)).isInstanceOf(JsonParseException.class);
        }
    }

    @Test
    void oversizedIsTheScriptedAnswerPaddedPastOneMebibyteAndSentChunked() throws IOException {
        backend.failWith(Failure.OVERSIZED);
        try (Response response = post("/verify", "{\"token\":\"t\"}")) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("Content-Length")).as("only reading reveals the size").isNull();
            byte[] body = response.body().bytes();
            assertThat(body.length).isGreaterThan(1_048_576);
            JsonObject json = JsonParser.parseString(new String(body, java.nio.charset.StandardCharsets.UTF_8)).getAsJsonObject();
            assertThat(json.get("sub").getAsString()).as("otherwise the answer the script gives").isEqualTo("alice");
        }
    }

    @Test
    void oversizedKeepsAnArrayAnArraySoOnlyTheBoundCanTellTheDifference() throws IOException {
        backend.route("/emails", request -> JsonReply.ok(java.util.List.of(Map.of("email", "a@example.com"))));
        backend.failWith(Failure.OVERSIZED);
        try (Response response = post("/emails", "{}")) {
            byte[] body = response.body().bytes();
            assertThat(body.length).isGreaterThan(JsonEndpointBackend.OVERSIZED_BYTES);
            assertThat(JsonParser.parseString(new String(body, java.nio.charset.StandardCharsets.UTF_8)))
                    .hasToString("[{\"email\":\"a@example.com\"}]");
        }
    }

    @Test
    void inTurnPlaysTheScriptThenRepeatsItsLastReply() throws IOException {
        backend.route("/flaky", JsonEndpointBackend.inTurn(JsonReply.status(503, Map.of("error", "busy")),
                JsonReply.status(500, Map.of("error", "oops")), JsonReply.ok(Map.of("sub", "alice"))));

        int[] statuses = new int[4];
        for (int i = 0; i < statuses.length; i++) {
            try (Response response = post("/flaky", "{}")) {
                statuses[i] = response.code();
            }
        }
        assertThat(statuses).containsExactly(503, 500, 200, 200);
    }

    @Test
    void aClosedBackendCannotBeRestarted() {
        backend.url("/verify");
        backend.close();
        backend.close();

        assertThatThrownBy(backend::reset).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(backend::start).isInstanceOf(IllegalStateException.class);
    }

    private Response post(String path, String body) throws IOException {
        return client.newCall(new Request.Builder().url(backend.url(path)).header("X-Test", "yes")
                .post(RequestBody.create(body, JSON)).build()).execute();
    }

    private static JsonObject json(Response response) throws IOException {
        return JsonParser.parseString(response.body().string()).getAsJsonObject();
    }

    private void awaitRequests(int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (backend.requestCount() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no request reached the backend within 10 s");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
    }
}
