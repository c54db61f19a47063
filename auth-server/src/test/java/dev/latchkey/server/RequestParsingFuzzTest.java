package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.testkit.EngineHarness;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Fuzzes what the server makes of untrusted request bodies (SECURITY.md 11, 22, 23):
 * <ul>
 *   <li>{@link #logInBody}: a log-in body through {@link ClientApi#handle} as the handler calls it —
 *       strict JSON ({@link RequestJson}), Extended JSON wrappers, {@code options.device.deviceId},
 *       the credential payload ({@code Credentials.of}, its deep copy and bounds) and the provider
 *       that reads it (an API key; a custom JWT with an HS256 secret; a provider that is off). The
 *       answer is a session or an {@link AuthException} / {@link ApiError}, the two failures the
 *       handler maps to a status; anything else would be a 500.</li>
 *   <li>{@link #formBody}: a hosted page's form ({@link FormBody}), whose one documented failure is
 *       {@link IllegalArgumentException}.</li>
 * </ul>
 * Seeds: {@code RequestParsingFuzzTestInputs/<method>/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestParsingFuzzTest {
    private static final String APP = "latchkey";
    private static final String SECRET = "hs256-secret-0123456789-abcdefghijklmnop";
    /** Providers whose log-in reads the payload without creating users, so a long run stays small. */
    private static final List<String> PROVIDERS = List.of("api-key", "custom-token", "oauth2-google");

    private EngineHarness engine;
    private ClientApi api;

    @BeforeAll
    void start() throws Exception {
        engine = EngineHarness.builder().appId(APP).enable("api-key")
                .enable("custom-token", Map.of("hs256Secrets", List.of(SECRET))).build().start();
        InetAddress loopback = InetAddress.getLoopbackAddress();
        api = new ClientApi(engine.service(), new PublicUrls(URI.create("http://127.0.0.1:8080"), loopback, 8080), "latchkey:" + APP);
    }

    @AfterAll
    void stop() {
        engine.close();
    }

    @FuzzTest
    void logInBody(byte[] body) {
        for (String provider : PROVIDERS) {
            ApiRequest request = new ApiRequest("POST", ClientApi.PREFIX + "/app/" + APP + "/auth/providers/" + provider + "/login",
                    Map.of(), Map.of("content-type", List.of("application/json")), body, "127.0.0.1");
            try {
                assertThat(api.handle(request).status()).isEqualTo(200);
            } catch (AuthException e) {
                assertThat(e.code()).as(e.getMessage()).isNotEqualTo(ErrorCode.INTERNAL);
            } catch (ApiError e) {
                assertThat(e.status()).as(e.getMessage()).isBetween(400, 499);
            }
        }
    }

    @FuzzTest
    void formBody(byte[] body) {
        try {
            FormBody form = FormBody.parse(body);
            assertThat(form.get("password")).isNotNull();
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }
}
