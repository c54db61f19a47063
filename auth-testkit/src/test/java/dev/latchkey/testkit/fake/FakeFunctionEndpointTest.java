package dev.latchkey.testkit.fake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.testkit.TestClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fake webhook checks requests as a receiver must, then answers as scripted. */
class FakeFunctionEndpointTest {
    private static final String SECRET = "fake-function-secret-0123456789abcdef";
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

    private final TestClock clock = new TestClock();
    private final FakeFunctionEndpoint fake = new FakeFunctionEndpoint(clock, SECRET)
            .answerWith(payload -> JsonReply.ok(Map.of("id", "user-" + payload.get("username"))));
    private final OkHttpClient client = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void close() {
        fake.close();
    }

    private Response post(String body, String timestamp, String signature) throws IOException {
        Request.Builder request = new Request.Builder().url(fake.url()).post(RequestBody.create(body, JSON));
        if (timestamp != null) {
            request.header(FakeFunctionEndpoint.TIMESTAMP_HEADER, timestamp);
        }
        if (signature != null) {
            request.header(FakeFunctionEndpoint.SIGNATURE_HEADER, signature);
        }
        return client.newCall(request.build()).execute();
    }

    private String now() {
        return Long.toString(clock.instant().getEpochSecond());
    }

    private static String signed(String timestamp, String body) {
        return "sha256=" + FakeFunctionEndpoint.sign(SECRET, timestamp, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aCorrectlySignedFreshRequestReachesTheScript() throws IOException {
        String body = "{\"username\":\"caleb\"}";
        try (Response response = post(body, now(), signed(now(), body))) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.body().string()).contains("user-caleb");
        }
        assertThat(fake.verifiedRequests()).isEqualTo(1);
    }

    @Test
    void anUnsignedOrWronglySignedRequestIsRefusedWith401() throws IOException {
        String body = "{\"username\":\"caleb\"}";
        try (Response unsigned = post(body, now(), null);
             Response tampered = post("{\"username\":\"mallory\"}", now(), signed(now(), body))) {
            assertThat(unsigned.code()).isEqualTo(401);
            assertThat(tampered.code()).isEqualTo(401);
            assertThat(tampered.body().string()).contains("invalid signature");
        }
        assertThat(fake.verifiedRequests()).isZero();
        assertThat(fake.refusedRequests()).isEqualTo(2);
    }

    @Test
    void aStaleTimestampIsRefusedEvenWithItsOwnValidSignature() throws IOException {
        String old = Long.toString(clock.instant().minus(FakeFunctionEndpoint.TOLERANCE).getEpochSecond() - 1);
        String body = "{\"username\":\"caleb\"}";
        try (Response response = post(body, old, signed(old, body))) {
            assertThat(response.code()).isEqualTo(401);
            assertThat(response.body().string()).contains("stale timestamp");
        }
    }

    @Test
    void itCanBeToldToRefuseEverySignature() throws IOException {
        fake.rejectSignatures(true);
        String body = "{\"username\":\"caleb\"}";
        try (Response response = post(body, now(), signed(now(), body))) {
            assertThat(response.code()).isEqualTo(401);
        }
    }

    @Test
    void toStringNeverShowsTheSecret() {
        assertThat(fake.toString()).doesNotContain(SECRET);
    }
}
