package dev.latchkey.testkit.contract.broken;

import com.google.gson.JsonParser;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.ProviderContext;
import dev.latchkey.testkit.contract.ContractEnvironment;
import dev.latchkey.testkit.contract.ContractTimeouts;
import dev.latchkey.testkit.contract.CredentialProviderContract;
import dev.latchkey.testkit.fake.FakeBackend;
import dev.latchkey.testkit.fake.JsonEndpointBackend;
import dev.latchkey.testkit.fake.JsonReply;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Broken on purpose, in the ways HTTP providers go wrong: a 3 s read timeout where its test allows
 * 1 s, an unbounded read of the answer, every non-200 status taken for wrong credentials, parse
 * errors left to escape, and I/O failures reported as INTERNAL.
 */
public final class CarelessHttpProvider implements CredentialProvider {
    static final String TYPE = "test-careless-http";

    private volatile OkHttpClient http;
    private volatile String endpoint;

    /**
     * The settings.
     *
     * @param endpoint where tokens are checked
     */
    public record Settings(String endpoint) {
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void start(ProviderContext context) {
        endpoint = context.settings(Settings.class).endpoint();
        http = context.service(OkHttpClient.class).newBuilder().readTimeout(Duration.ofSeconds(3)).build();
    }

    @Override
    public Identity authenticate(Credentials credentials) {
        String token = credentials.stringField("token")
                .orElseThrow(() -> new AuthException(ErrorCode.MALFORMED, "the token must be a string"));
        String body = "{\"token\":\"" + token.replaceAll("[^A-Za-z0-9-]", "") + "\"}";
        Request request = new Request.Builder().url(endpoint).post(RequestBody.create(body, MediaType.get("application/json"))).build();
        try (Response response = http.newCall(request).execute()) {
            if (response.code() != 200) {
                throw new AuthException(ErrorCode.INVALID_CREDENTIALS, "refused");
            }
            String answer = response.body().string();
            return Identity.of(TYPE, JsonParser.parseString(answer).getAsJsonObject().get("sub").getAsString());
        } catch (IOException e) {
            throw new AuthException(ErrorCode.INTERNAL, "the backend failed");
        }
    }

    /** The contract, run against this provider only by {@link ContractCatchesBrokenProvidersTest}. */
    @ExtendWith(OnlyThroughEngineTestKit.class)
    public static class Contract extends CredentialProviderContract {
        private final TokenAccounts tokens = new TokenAccounts("careless");
        private final JsonEndpointBackend backend = new JsonEndpointBackend().route("/verify", request -> {
            String token = request.jsonBody().map(json -> json.get("token").getAsString()).orElse("");
            String name = tokens.nameIn(token);
            return name == null ? JsonReply.status(401, Map.of("error", "invalid_token")) : JsonReply.ok(Map.of("sub", name));
        });

        @Override
        protected CredentialProvider createProvider() {
            return new CarelessHttpProvider();
        }

        @Override
        protected Optional<FakeBackend> backend() {
            return Optional.of(backend);
        }

        @Override
        protected Map<String, Object> settings() {
            return Map.of("endpoint", backend.url("/verify"));
        }

        @Override
        protected ContractTimeouts timeouts() {
            return ContractTimeouts.defaults().withBackendStall(Duration.ofSeconds(1));
        }

        @Override
        protected Credentials validCredentials(ContractEnvironment env) {
            return tokens.credentials(TYPE, "alice");
        }

        @Override
        protected Credentials otherAccountCredentials(ContractEnvironment env) {
            return tokens.credentials(TYPE, "bob");
        }
    }
}
