package dev.latchkey.provider.oauth;

import dev.latchkey.api.Credentials;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.TestClock;
import dev.latchkey.testkit.contract.ContractEnvironment;
import dev.latchkey.testkit.contract.ContractTimeouts;
import dev.latchkey.testkit.contract.CredentialProviderContract;
import dev.latchkey.testkit.fake.FakeBackend;
import dev.latchkey.testkit.fake.FakeFacebook;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code oauth2-facebook} keeps the whole contract, the backend rules included, against a
 * {@link FakeFacebook} on the engine's clock. Its timeout is 1 s, so the stall rule is held to 5 s.
 */
class FacebookProviderContractTest extends CredentialProviderContract {
    private final TestClock clock = new TestClock();
    private final FakeFacebook facebook = new FakeFacebook(clock);

    @Override
    protected CredentialProvider createProvider() {
        return new FacebookProvider();
    }

    @Override
    protected Optional<FakeBackend> backend() {
        return Optional.of(facebook);
    }

    @Override
    protected Map<String, Object> settings() {
        return Map.of("appId", facebook.appId(), "appSecret", facebook.appSecret(),
                "graphApiBase", facebook.graphApiBase(), "timeout", "PT1S");
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
        return Credentials.facebook(facebook.issueToken(facebook.addUser("10001", "Alice Smith", "alice@example.com")));
    }

    @Override
    protected Credentials otherAccountCredentials(ContractEnvironment env) {
        return Credentials.facebook(facebook.issueToken(facebook.addUser("10002", "Bob Jones", "bob@example.com")));
    }

    /** A token Facebook no longer accepts (the person logged out). */
    @Override
    protected Optional<Credentials> invalidCredentials(ContractEnvironment env) {
        String token = facebook.issueToken(facebook.addUser("10003", "Mallory", null));
        facebook.invalidate(token);
        return Optional.of(Credentials.facebook(token));
    }

    @Override
    protected Optional<Map<String, Object>> invalidSettings() {
        return Optional.of(Map.of("appId", facebook.appId(), "appSecret", facebook.appSecret(),
                "metadataFields", List.of("name", "friends")));
    }
}
