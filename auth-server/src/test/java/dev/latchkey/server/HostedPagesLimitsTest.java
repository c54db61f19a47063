package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import okhttp3.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hosted pages count against the same per-client limit as the JSON API: a page is a request like any other. */
class HostedPagesLimitsTest {
    @TempDir
    Path data;

    @Test
    void pagesAndApiShareOneBucketPerClient() throws IOException {
        try (TestServer server = TestServer.start(data, "{ \"server\": { \"rateLimit\": { \"requestsPerMinute\": 1, \"burst\": 3 } } }")) {
            String page = server.server.url() + HostedPages.CONFIRM_PATH + "?token=abc&tokenId=def";
            for (int i = 0; i < 2; i++) {
                assertThat(server.send(new Request.Builder().url(page).build()).status()).isEqualTo(200);
            }
            assertThat(server.get("/health", null).status()).as("the third request, to the API").isNotEqualTo(429);

            TestServer.Reply refused = server.send(new Request.Builder().url(page).build());
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.headers().get("Retry-After")).isNotBlank();
            assertThat(refused.headers().get("Content-Type")).startsWith("text/html");
            assertThat(refused.text()).contains("Too many requests").doesNotContain("abc");
            assertThat(server.get(TestServer.AUTH + "/profile", null).status()).as("and the API refuses too").isEqualTo(429);
        }
    }
}
