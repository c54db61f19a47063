package dev.latchkey.provider.oauth;

import dev.latchkey.api.Credentials;
import dev.latchkey.api.GoogleCredentialType;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.TestClock;
import dev.latchkey.testkit.contract.ContractEnvironment;
import dev.latchkey.testkit.contract.ContractTimeouts;
import dev.latchkey.testkit.contract.CredentialProviderContract;
import dev.latchkey.testkit.fake.FakeBackend;
import dev.latchkey.testkit.fake.FakeGoogle;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * {@code oauth2-google} with ID tokens keeps the whole contract, the backend rules included,
 * against a {@link FakeGoogle} (the backend a fresh provider calls first is the JWK Set). Its
 * timeout is 1 s, so the stall rule is held to 5 s.
 */
class GoogleProviderContractTest extends CredentialProviderContract {
    static final String CLIENT_ID = "1234-web.apps.googleusercontent.com";
    static final String CLIENT_SECRET = "GOCSPX-contract-client-secret";

    private final TestClock clock = new TestClock();
    final FakeGoogle google = new FakeGoogle(clock).client(CLIENT_ID, CLIENT_SECRET, "postmessage");
    final FakeGoogle.Account alice = google.addAccount("110169484474386276334", "alice@example.com", true, "Alice Liddell");
    final FakeGoogle.Account bob = google.addAccount("104783920918273645102", "bob@example.com", false, "Bob Builder");

    @Override
    protected CredentialProvider createProvider() {
        return new GoogleProvider();
    }

    @Override
    protected Optional<FakeBackend> backend() {
        return Optional.of(google);
    }

    @Override
    protected Map<String, Object> settings() {
        return Map.of("clientId", CLIENT_ID, "clientSecret", CLIENT_SECRET, "tokenEndpoint", google.tokenEndpoint(),
                "jwksUri", google.jwksUri(), "userinfoEndpoint", google.userinfoEndpoint(), "timeout", "PT1S");
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
        return Credentials.google(google.issueIdToken(alice, CLIENT_ID), GoogleCredentialType.ID_TOKEN);
    }

    @Override
    protected Credentials otherAccountCredentials(ContractEnvironment env) {
        return Credentials.google(google.issueIdToken(bob, CLIENT_ID), GoogleCredentialType.ID_TOKEN);
    }

    /** A real Google ID token of alice, issued to another app's client id (SECURITY.md #12). */
    @Override
    protected Optional<Credentials> invalidCredentials(ContractEnvironment env) {
        return Optional.of(Credentials.google(google.issueIdToken(alice, "9999-other-app.apps.googleusercontent.com"),
                GoogleCredentialType.ID_TOKEN));
    }

    @Override
    protected Optional<Map<String, Object>> invalidSettings() {
        return Optional.of(Map.of("clientSecret", CLIENT_SECRET, "jwksUri", google.jwksUri()));
    }
}
