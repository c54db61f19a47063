package dev.latchkey.server;

import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static dev.latchkey.server.TestServer.APP;
import static dev.latchkey.server.TestServer.AUTH;
import static org.assertj.core.api.Assertions.assertThat;

/** What a hostile or broken client sends: every answer is JSON with the right status, never a stack trace. */
class HostileRequestTest {
    @TempDir
    static Path data;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(data);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void assertCleanError(TestServer.Reply r, int status, String code) {
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.headers().get("Content-Type")).startsWith("application/json");
        assertThat(r.errorCode()).isEqualTo(code);
        assertThat(r.text()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("jetty");
    }

    @Test
    void aBodyOverMaxBodyBytesIs413() throws Exception {
        String huge = "{\"username\":\"" + "a".repeat(ServerConfig.DEFAULT_MAX_BODY_BYTES) + "\"}";
        assertCleanError(server.logIn("local-userpass", huge), 413, "PayloadTooLarge");
    }

    @Test
    void aChunkedBodyOverMaxBodyBytesIs413() throws Exception {
        byte[] big = new byte[ServerConfig.DEFAULT_MAX_BODY_BYTES + 10];
        java.util.Arrays.fill(big, (byte) ' ');
        RequestBody chunked = new RequestBody() {
            @Override
            public okhttp3.MediaType contentType() {
                return TestServer.JSON;
            }

            @Override
            public long contentLength() {
                return -1;
            }

            @Override
            public void writeTo(okio.BufferedSink sink) throws java.io.IOException {
                sink.write(big);
            }
        };
        Request request = new Request.Builder().url(server.server.url() + APP + "/auth/providers/anon-user/login").post(chunked).build();
        assertCleanError(server.send(request), 413, "PayloadTooLarge");
    }

    @Test
    void malformedJsonIs400BadRequest() throws Exception {
        for (String bad : new String[] {"{", "[]", "\"text\"", "{\"a\":1,\"a\":2}", "{\"a\":1} trailing", "{'a':1}",
                "[".repeat(5000) + "]".repeat(5000)}) {
            assertCleanError(server.logIn("anon-user", bad), 400, "BadRequest");
        }
    }

    @Test
    void aBodyThatIsNotUtf8Is400() throws Exception {
        Request request = new Request.Builder().url(server.server.url() + APP + "/auth/providers/anon-user/login")
                .post(RequestBody.create(new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'}, TestServer.JSON)).build();
        assertCleanError(server.send(request), 400, "BadRequest");
    }

    @Test
    void aBodyThatIsNotJsonIs415() throws Exception {
        Request request = new Request.Builder().url(server.server.url() + APP + "/auth/providers/anon-user/login")
                .post(RequestBody.create("username=a&password=b", okhttp3.MediaType.get("application/x-www-form-urlencoded"))).build();
        assertCleanError(server.send(request), 415, "UnsupportedMediaType");
    }

    @Test
    void aMissingBodyIs400() throws Exception {
        assertCleanError(server.call("POST", APP + "/auth/providers/anon-user/login", null, null), 400, "BadRequest");
    }

    @Test
    void credentialsOfTheWrongShapeAre400() throws Exception {
        assertThat(server.logIn("local-userpass", "{\"username\": 5, \"password\": [\"x\"]}").status()).isIn(400, 401);
        TestServer.Reply nested = server.logIn("custom-function", "{\"a\":" + "{\"b\":".repeat(40) + "1" + "}".repeat(41));
        assertThat(nested.status()).isIn(400, 404);
    }

    @Test
    void theWrongMethodIs405WithAllow() throws Exception {
        TestServer.Reply r = server.get(APP + "/auth/providers/anon-user/login", null);
        assertCleanError(r, 405, "MethodNotAllowed");
        assertThat(r.headers().get("Allow")).isEqualTo("POST");
        assertCleanError(server.call("PUT", AUTH + "/session", "{}", null), 405, "MethodNotAllowed");
        assertCleanError(server.call("POST", "/health", "{}", null), 405, "MethodNotAllowed");
    }

    @Test
    void unknownPathsAndAppsAre404Json() throws Exception {
        assertCleanError(server.get("/", null), 404, "NotFound");
        assertCleanError(server.get("/api/client/v2.0/app/someone-else/location", null), 404, "NotFound");
        assertCleanError(server.get("/api/client/v2.0/nothing/here", null), 404, "NotFound");
        assertCleanError(server.post(APP + "/auth/providers/anon-user/register", "{}"), 404, "NotFound");
    }

    @Test
    void pathTraversalInTheProviderNameFindsNoProviderAndIsNotEchoed() throws Exception {
        for (String provider : new String[] {"..%2F..%2Fetc", "%2e%2e", "ANON-USER", "anon-user%00", "a".repeat(200), "%0d%0aX-Evil:1"}) {
            TestServer.Reply r = server.logIn(provider, "{}");
            assertThat(r.status()).as(provider).isIn(400, 404);
            assertThat(r.headers().get("Content-Type")).startsWith("application/json");
            assertThat(r.text()).doesNotContain("etc").doesNotContain("Evil");
        }
    }

    @Test
    void aForgedHostHeaderDoesNotChangeTheLocation() throws Exception {
        String evil = rawGet(APP + "/location", "evil.example.com");
        assertThat(evil).contains("\"hostname\":\"" + server.server.url() + "\"").doesNotContain("evil");
        String local = rawGet(APP + "/location", "localhost:" + server.server.port());
        assertThat(local).contains("\"hostname\":\"http://localhost:" + server.server.port() + "\"");
        String otherPort = rawGet(APP + "/location", "localhost:1");
        assertThat(otherPort).contains("\"hostname\":\"" + server.server.url() + "\"");
    }

    /** OkHttp sets Host itself: a raw socket sends what an attacker would. */
    private static String rawGet(String path, String host) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            StringBuilder sb = new StringBuilder();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                sb.append(line).append('\n');
            }
            assertThat(sb.toString()).startsWith("HTTP/1.1 200");
            return sb.toString();
        }
    }

    @Test
    void anUnparseableRequestGetsAJsonErrorFromJetty() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.server.port())) {
            socket.getOutputStream().write("GET /%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400").contains("application/json").contains("\"error_code\":\"BadRequest\"")
                    .doesNotContain("<html");
        }
    }
}
