package dev.latchkey.provider.oauth;

import dev.latchkey.api.Credentials;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.TestClock;
import dev.latchkey.testkit.contract.ContractEnvironment;
import dev.latchkey.testkit.contract.ContractTimeouts;
import dev.latchkey.testkit.contract.CredentialProviderContract;
import dev.latchkey.testkit.contract.MalformedPayloads;
import dev.latchkey.testkit.fake.FakeApple;
import dev.latchkey.testkit.fake.FakeBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code oauth2-apple} keeps the whole contract, the backend rules included, against a
 * {@link FakeApple} on the engine's clock. The timeout setting is 1 s, so the stall rule is held
 * to 5 s.
 */
class AppleProviderContractTest extends CredentialProviderContract {
    private static final String BUNDLE_ID = "com.example.app";
    private static final String SERVICES_ID = "com.example.web";

    private final TestClock clock = new TestClock();
    private final FakeApple apple = new FakeApple(clock);
    private final FakeApple.User alice = apple.addUser("001234.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.0001", "alice@example.com", true, false);
    private final FakeApple.User bob = apple.addUser("001234.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.0002", "x7k2@privaterelay.appleid.com", true, true);

    @Override
    protected CredentialProvider createProvider() {
        return new AppleProvider();
    }

    @Override
    protected Optional<FakeBackend> backend() {
        return Optional.of(apple);
    }

    @Override
    protected Map<String, Object> settings() {
        return Map.of("clientIds", List.of(BUNDLE_ID, SERVICES_ID), "jwksUri", apple.jwksUri(), "issuer", apple.issuer(),
                "timeout", "PT1S");
    }

    @Override
    protected void configure(EngineHarness.Builder engine) {
        engine.clock(clock);
    }

    @Override
    protected ContractTimeouts timeouts() {
        return ContractTimeouts.defaults().withBackendStall(Duration.ofSeconds(5));
    }

    @Override
    protected Credentials validCredentials(ContractEnvironment env) {
        return Credentials.apple(apple.issueIdToken(alice, BUNDLE_ID));
    }

    /** Bob signs in through the web (the Services ID), with a nonce. */
    @Override
    protected Credentials otherAccountCredentials(ContractEnvironment env) {
        String nonce = "bob-raw-nonce-0123456789";
        return Credentials.of(ProviderTypes.APPLE, Map.of("id_token", apple.issueIdToken(bob, SERVICES_ID, nonce), "nonce", nonce));
    }

    /** A well-formed token of Alice's, signed with a key Apple does not publish. */
    @Override
    protected Optional<Credentials> invalidCredentials(ContractEnvironment env) {
        return Optional.of(Credentials.apple(apple.issueIdTokenWithUnknownKey(alice, BUNDLE_ID)));
    }

    /**
     * The default hostile set, and the same derived from credentials with a nonce, less the one
     * variant that is not hostile: the token alone (the nonce is optional unless required).
     */
    @Override
    protected List<Credentials> malformedCredentials(ContractEnvironment env) {
        List<Credentials> all = new ArrayList<>(super.malformedCredentials(env));
        String nonce = "a-raw-nonce-for-malformed-variants";
        String token = apple.issueIdToken(alice, BUNDLE_ID, nonce);
        Credentials tokenAlone = Credentials.apple(token);
        MalformedPayloads.derivedFrom(Credentials.of(ProviderTypes.APPLE, Map.of("id_token", token, "nonce", nonce))).stream()
                .filter(c -> !c.equals(tokenAlone))
                .forEach(all::add);
        return all;
    }

    @Override
    protected Optional<Map<String, Object>> invalidSettings() {
        return Optional.of(Map.of("jwksUri", apple.jwksUri()));
    }
}
