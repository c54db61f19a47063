package dev.latchkey.testkit.contract.broken;

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
import dev.latchkey.testkit.fake.Failure;
import dev.latchkey.testkit.fake.JsonEndpointBackend;
import dev.latchkey.testkit.fake.JsonReply;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Broken on purpose: careful about statuses and sizes, but it switches the HTTP client's timeouts
 * off ("our backend can be slow"), so a backend that accepts the connection and never answers, or
 * trickles its answer, holds the log-in, and the caller's thread, for ever.
 */
public final class HangsOnStallProvider implements CredentialProvider {
    static final String TYPE = "test-hangs-on-stall";

    private volatile OkHttpClient http;
    private volatile HttpUrl endpoint;

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
        endpoint = HttpUrl.get(context.settings(Settings.class).endpoint());
        // The bug: no deadline at all.
        http = context.service(OkHttpClient.class).newBuilder()
                .readTimeout(Duration.ZERO).callTimeout(Duration.ZERO).build();
    }

    @Override
    public Identity authenticate(Credentials credentials) {
        String token = credentials.stringField("token")
                .filter(t -> t.matches("[a-z]+-[a-z]+-[0-9a-f]{32}"))
                .orElseThrow(() -> new AuthException(ErrorCode.MALFORMED, "a token is <prefix>-<name>-<32 hex>"));
        Request request = new Request.Builder().url(endpoint).post(RequestBody.create(token, MediaType.get("text/plain"))).build();
        try (Response response = http.newCall(request).execute(); InputStream in = response.body().byteStream()) {
            if (response.code() != 200) {
                throw new AuthException(ErrorCode.PROVIDER_BACKEND, "the backend answered HTTP " + response.code());
            }
            byte[] answer = in.readNBytes(4097);
            if (answer.length > 4096) {
                throw new AuthException(ErrorCode.PROVIDER_BACKEND, "the backend's answer is too long");
            }
            return Identity.of(TYPE, token.split("-")[1]);
        } catch (IOException e) {
            throw new AuthException(ErrorCode.NETWORK, "the backend could not be reached");
        }
    }

    /** The contract, run against this provider only by {@link ContractCatchesBrokenProvidersTest}. */
    @ExtendWith(OnlyThroughEngineTestKit.class)
    public static class Contract extends CredentialProviderContract {
        private final TokenAccounts tokens = new TokenAccounts("hangs");
        private final JsonEndpointBackend backend = new JsonEndpointBackend()
                .route("/verify", request -> JsonReply.ok(Map.of("ok", true)));

        @Override
        protected CredentialProvider createProvider() {
            return new HangsOnStallProvider();
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
            return ContractTimeouts.defaults().withBackendStall(Duration.ofSeconds(2));
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

    /**
     * The same contract with a fake written before {@link Failure#SLOW} existed: asked for a
     * failure it does not know, it throws, as a {@code switch} with a throwing default does.
     */
    public static class OlderFakeContract extends Contract {
        @Override
        protected Optional<FakeBackend> backend() {
            FakeBackend known = super.backend().orElseThrow();
            return Optional.of(new FakeBackend() {
                @Override
                public void failWith(Failure failure) {
                    if (failure == Failure.SLOW) {
                        throw new UnsupportedOperationException();
                    }
                    known.failWith(failure);
                }

                @Override
                public void reset() {
                    known.reset();
                }

                @Override
                public void close() {
                    known.close();
                }
            });
        }
    }
}
