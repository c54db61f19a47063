package dev.latchkey.server;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.latchkey.testkit.log.LogCapture;
import dev.latchkey.testkit.log.SecretScan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.latchkey.server.TestServer.APP;
import static dev.latchkey.server.TestServer.AUTH;
import static dev.latchkey.server.TestServer.emailPassword;
import static org.assertj.core.api.Assertions.assertThat;

/** The access log: one JSON line per request, and no secret anywhere in what the server logs. */
@ResourceLock(LogCapture.RESOURCE_LOCK)
class AccessLogTest {
    @TempDir
    Path data;

    @Test
    void everyRequestIsOneJsonLineWithoutQueryHeadersOrBodies_andNoSecretIsLoggedAnywhere() throws Exception {
        List<SecretScan.Secret> secrets = new ArrayList<>();
        secrets.add(new SecretScan.Secret("password", "correct horse battery"));
        secrets.add(new SecretScan.Secret("query secret", "querysecret123"));
        List<LogCapture.Entry> entries;
        try (LogCapture capture = LogCapture.start()) {
          // The line is written once the answer is sent, so the client may see the answer first:
          // read the capture after the server has stopped, which waits for every request to finish.
          try (TestServer server = TestServer.start(data)) {
            server.post(APP + "/auth/providers/local-userpass/register",
                    "{\"email\":\"log@example.com\",\"password\":\"correct horse battery\"}");
            TestServer.Reply login = server.logIn("local-userpass", emailPassword("log@example.com", "correct horse battery"));
            secrets.add(new SecretScan.Secret("access token", login.string("access_token")));
            secrets.add(new SecretScan.Secret("refresh token", login.string("refresh_token")));
            server.get(AUTH + "/profile", login.string("access_token"));
            server.call("POST", AUTH + "/session", null, login.string("refresh_token"));
            server.logIn("local-userpass", emailPassword("log@example.com", "wrong password here"));
            server.get("/health?token=querysecret123", null);
            server.call("DELETE", AUTH + "/session", null, login.string("refresh_token"));
          }
          entries = capture.entries();
        }
        assertThat(SecretScan.find(entries, secrets)).isEmpty();

        List<JsonObject> lines = new ArrayList<>();
        for (LogCapture.Entry e : entries) {
            if (e.origin().startsWith(AccessLog.LOGGER + " ")) {
                String text = e.text().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
                lines.add(JsonParser.parseString(text).getAsJsonObject());
            }
        }
        assertThat(lines).hasSize(7);
        for (JsonObject line : lines) {
            assertThat(line.keySet()).containsExactlyInAnyOrder("time", "method", "path", "status", "duration_ms", "client", "bytes");
            assertThat(line.get("client").getAsString()).isEqualTo("127.0.0.1");
        }
        assertThat(lines.get(5).get("path").getAsString()).isEqualTo("/health");
        assertThat(lines.get(3).get("status").getAsInt()).isEqualTo(201);
        assertThat(lines.get(4).get("status").getAsInt()).isEqualTo(401);
    }
}
