package dev.latchkey.server;

import okhttp3.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.latchkey.server.TestServer.APP;
import static org.assertj.core.api.Assertions.assertThat;

/** CORS for browser apps (exact origins, never '*'), and a configured public URL. */
class CorsAndPublicUrlTest {
    @TempDir
    static Path data;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(data, """
                { "server": { "publicUrl": "https://auth.example.com", "maxBodyBytes": 2048,
                              "cors": { "allowedOrigins": ["https://app.example.com"] } },
                  "providers": { "anon-user": { "enabled": true } } }
                """);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private TestServer.Reply preflight(String origin) throws Exception {
        return server.send(new Request.Builder().url(server.server.url() + APP + "/auth/providers/anon-user/login")
                .method("OPTIONS", null).header("Origin", origin).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type").build());
    }

    @Test
    void anAllowedOriginsPreflightIsAnsweredWithThatOrigin() throws Exception {
        TestServer.Reply r = preflight("https://app.example.com");
        assertThat(r.status()).isEqualTo(204);
        assertThat(r.headers().get("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
        assertThat(r.headers().get("Access-Control-Allow-Methods")).contains("POST");
        assertThat(r.headers().get("Access-Control-Allow-Headers")).contains("Authorization");
        assertThat(r.headers().get("Access-Control-Allow-Credentials")).isNull();
        assertThat(r.headers().get("Vary")).isEqualTo("Origin");
    }

    @Test
    void anyOtherOriginIsRefused_exactMatchOnly() throws Exception {
        for (String origin : new String[] {"https://evil.example.com", "https://app.example.com.evil.com", "http://app.example.com", "null"}) {
            TestServer.Reply r = preflight(origin);
            assertThat(r.status()).as(origin).isEqualTo(403);
            assertThat(r.headers().get("Access-Control-Allow-Origin")).isNull();
        }
        TestServer.Reply actual = server.send(new Request.Builder().url(server.server.url() + "/health")
                .header("Origin", "https://evil.example.com").build());
        assertThat(actual.headers().get("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void anAllowedOriginsRequestCarriesTheOriginAndExposesRetryAfter() throws Exception {
        TestServer.Reply r = server.send(new Request.Builder().url(server.server.url() + "/health")
                .header("Origin", "https://app.example.com").build());
        assertThat(r.headers().get("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
        assertThat(r.headers().get("Access-Control-Expose-Headers")).isEqualTo("Retry-After");
    }

    @Test
    void optionsWithoutAPreflightIs405() throws Exception {
        TestServer.Reply r = server.send(new Request.Builder().url(server.server.url() + "/health").method("OPTIONS", null).build());
        assertThat(r.status()).isEqualTo(405);
    }

    @Test
    void thePublicUrlIsTheLocationWhateverTheHost() throws Exception {
        TestServer.Reply r = server.get(APP + "/location", null);
        assertThat(r.string("hostname")).isEqualTo("https://auth.example.com");
        assertThat(r.string("ws_hostname")).isEqualTo("wss://auth.example.com");
        assertThat(server.get("/.well-known/openid-configuration", null).string("jwks_uri"))
                .isEqualTo("https://auth.example.com/.well-known/jwks.json");
    }

    @Test
    void theConfiguredBodyLimitHolds() throws Exception {
        TestServer.Reply r = server.logIn("anon-user", "{\"pad\":\"" + "x".repeat(2100) + "\"}");
        assertThat(r.status()).isEqualTo(413);
    }
}
