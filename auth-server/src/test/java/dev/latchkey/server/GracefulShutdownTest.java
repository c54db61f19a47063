package dev.latchkey.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** close() with a request in flight: the request is answered, then the server is gone. */
class GracefulShutdownTest {
    @TempDir
    Path data;

    @Test
    void aRequestInFlightIsAnsweredBeforeTheServerStops() throws Exception {
        LatchkeyServer server = LatchkeyServer.start(ServerOptions.defaults().withPort(0).withDataDirectory(data)
                .withShutdownTimeout(Duration.ofSeconds(30)));
        String body = "{}";
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            // Headers, and a body that has not arrived yet: the handler is now waiting for it.
            out.write(("POST " + TestServer.APP + "/auth/providers/anon-user/login HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (server.requestsInFlight() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(server.requestsInFlight()).isEqualTo(1);

            CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
            // The server is shutting down but must wait for this request; new connections are refused meanwhile.
            long refusedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            boolean refused = false;
            while (!refused && System.nanoTime() < refusedBy) {
                try (Socket probe = new Socket("127.0.0.1", server.port())) {
                    Thread.sleep(10);
                } catch (ConnectException e) {
                    refused = true;
                }
            }
            assertThat(refused).as("no new connections while shutting down").isTrue();
            assertThat(closing).isNotDone();

            out.write(body.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 200").contains("\"access_token\"");
            closing.get(30, TimeUnit.SECONDS);
        }
        assertThatThrownBy(() -> new Socket("127.0.0.1", server.port()).close()).isInstanceOf(IOException.class);
    }
}
