package dev.latchkey.testkit.contract;

import dev.latchkey.api.Credentials;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.testkit.fake.FakeBackend;
import dev.latchkey.testkit.fake.JsonEndpointBackend;
import dev.latchkey.testkit.fake.JsonReply;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reference HTTP provider keeps the whole contract, the backend rules included, against a
 * {@link JsonEndpointBackend} that knows two accounts. Its timeout setting is 1 s, so the stall
 * rule is held to 5 s instead of the default 20 s.
 */
class EchoTokenProviderContractTest extends CredentialProviderContract {
    private final SecureRandom random = new SecureRandom();
    private final Map<String, String> subjectsByToken = new ConcurrentHashMap<>();
    private final JsonEndpointBackend backend = new JsonEndpointBackend().route("/verify", request -> {
        String token = request.jsonBody()
                .filter(json -> json.has("token") && json.get("token").isJsonPrimitive())
                .map(json -> json.get("token").getAsString())
                .orElse(null);
        if (token == null) {
            return JsonReply.status(400, Map.of("error", "invalid_request"));
        }
        String subject = subjectsByToken.get(token);
        return subject == null ? JsonReply.status(401, Map.of("error", "invalid_token")) : JsonReply.ok(Map.of("sub", subject));
    });

    @Override
    protected CredentialProvider createProvider() {
        return new EchoTokenProvider();
    }

    @Override
    protected Optional<FakeBackend> backend() {
        return Optional.of(backend);
    }

    @Override
    protected Map<String, Object> settings() {
        return Map.of("endpoint", backend.url("/verify"), "timeout", "PT1S");
    }

    @Override
    protected ContractTimeouts timeouts() {
        return ContractTimeouts.defaults().withBackendStall(Duration.ofSeconds(5));
    }

    @Override
    protected Credentials validCredentials(ContractEnvironment env) {
        return account("alice");
    }

    @Override
    protected Credentials otherAccountCredentials(ContractEnvironment env) {
        return account("bob");
    }

    /** A token of the right shape that the backend does not know. */
    @Override
    protected Optional<Credentials> invalidCredentials(ContractEnvironment env) {
        return Optional.of(tokenCredentials(newToken("mallory")));
    }

    @Override
    protected Optional<Map<String, Object>> invalidSettings() {
        return Optional.of(Map.of("endpoint", "not a URL"));
    }

    private Credentials account(String name) {
        String token = newToken(name);
        subjectsByToken.put(token, name + "-subject");
        return tokenCredentials(token);
    }

    private String newToken(String name) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return "tok-" + name + "-" + HexFormat.of().formatHex(bytes);
    }

    private static Credentials tokenCredentials(String token) {
        return Credentials.of(EchoTokenProvider.TYPE, Map.of("token", token));
    }
}
