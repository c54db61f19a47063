package dev.latchkey.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.latchkey.server.TestServer.APP;
import static dev.latchkey.server.TestServer.emailPassword;
import static org.assertj.core.api.Assertions.assertThat;

/** The engine's log-in throttle seen over HTTP: 429, TooManyRequests, Retry-After. */
class RateLimitOverHttpTest {
    @TempDir
    Path data;

    @Test
    void repeatedFailuresOnOneAccountAre429WithRetryAfter() throws Exception {
        try (TestServer server = TestServer.start(data, """
                { "providers": { "local-userpass": { "enabled": true, "autoConfirm": true } },
                  "throttle": { "accountFailures": 3, "accountWindow": "PT15M" } }
                """)) {
            server.post(APP + "/auth/providers/local-userpass/register", "{\"email\":\"t@example.com\",\"password\":\"correct horse\"}");
            TestServer.Reply last = null;
            for (int i = 0; i < 6; i++) {
                last = server.logIn("local-userpass", emailPassword("t@example.com", "wrong horse"));
                if (last.status() == 429) {
                    break;
                }
                assertThat(last.status()).isEqualTo(401);
            }
            assertThat(last.status()).isEqualTo(429);
            assertThat(last.errorCode()).isEqualTo("TooManyRequests");
            assertThat(Long.parseLong(last.headers().get("Retry-After"))).isPositive();
        }
    }
}
