package dev.latchkey.server;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.latchkey.server.TestServer.APP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that send their headers and then trickle the body (or stop sending it): each one costs the
 * server a connection, never one of its request threads, so many of them cannot stop it answering
 * everyone else.
 */
class SlowBodyTest {
    /** More than the server's request threads (200). */
    private static final int SLOW_CLIENTS = 260;

    @TempDir
    Path data;

    /** The JSON API's register route, and the hosted reset page's form post: both read bodies the same way. */
    @ParameterizedTest
    @ValueSource(strings = {"json", "form"})
    void manyClientsStuckHalfwayThroughTheirBodiesDoNotStarveTheServer(String kind) throws Exception {
        boolean form = kind.equals("form");
        String target = form ? HostedPages.RESET_PATH : APP + "/auth/providers/local-userpass/register";
        String type = form ? "application/x-www-form-urlencoded" : "application/json";
        String start = form ? "token=" : "{\"email\":";
        // Each slow client comes from an address of its own (as a botnet would), so the per-client limits do not stop them.
        try (TestServer server = TestServer.start(data, "{ \"server\": { \"trustedProxies\": [\"127.0.0.1\"] } }")) {
            URI url = URI.create(server.server.url());
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < SLOW_CLIENTS; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress(url.getHost(), url.getPort()), 5_000);
                    slow.add(s);
                    OutputStream out = s.getOutputStream();
                    out.write(("POST " + target + " HTTP/1.1\r\n"
                            + "Host: " + url.getAuthority() + "\r\n"
                            + "X-Forwarded-For: 198.18." + (i / 250) + "." + (i % 250 + 1) + "\r\n"
                            + "Content-Type: " + type + "\r\n"
                            + "Content-Length: 100\r\n\r\n"
                            + start).getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                // A liveness bound, not a measurement: the server's idle timeout (30 s) is what would free a blocked thread.
                OkHttpClient client = server.http.newBuilder().callTimeout(Duration.ofSeconds(20)).build();
                try (Response health = client.newCall(new Request.Builder().url(url + "/health").build()).execute()) {
                    assertThat(health.code()).isEqualTo(200);
                }
            } finally {
                for (Socket s : slow) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // Closing is best effort; the server closes its end too.
                    }
                }
            }
        }
    }
}
