package dev.latchkey.provider.custom;

import dev.latchkey.api.Credentials;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.TestClock;
import dev.latchkey.testkit.contract.ContractEnvironment;
import dev.latchkey.testkit.contract.ContractTimeouts;
import dev.latchkey.testkit.contract.CredentialProviderContract;
import dev.latchkey.testkit.fake.FakeBackend;
import dev.latchkey.testkit.fake.FakeJwtIssuer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * {@code custom-token} with a JWK Set keeps the whole contract, the backend rules included, against
 * a {@link FakeJwtIssuer}'s JWK Set on the engine's clock. The timeout setting is 1 s, so the stall
 * rule is held to 5 s.
 */
class CustomJwtJwksContractTest extends CredentialProviderContract {
    private static final String APP = "contract-app";

    private final TestClock clock = new TestClock();
    private final FakeJwtIssuer issuer = FakeJwtIssuer.rs256();

    @Override
    protected CredentialProvider createProvider() {
        return new CustomJwtProvider();
    }

    @Override
    protected Optional<FakeBackend> backend() {
        return Optional.of(issuer);
    }

    @Override
    protected Map<String, Object> settings() {
        return Map.of("jwkUri", issuer.jwksUri(), "issuer", "https://auth.example.com", "timeout", "PT1S");
    }

    @Override
    protected void configure(EngineHarness.Builder engine) {
        engine.clock(clock).appId(APP);
    }

    @Override
    protected ContractTimeouts timeouts() {
        return ContractTimeouts.defaults().withBackendStall(Duration.ofSeconds(5));
    }

    private Map<String, Object> claims(String sub) {
        Map<String, Object> claims = FakeJwtIssuer.claims(sub, APP, clock.instant());
        claims.put("iss", "https://auth.example.com");
        return claims;
    }

    @Override
    protected Credentials validCredentials(ContractEnvironment env) {
        return Credentials.jwt(issuer.mint(claims("alice")));
    }

    @Override
    protected Credentials otherAccountCredentials(ContractEnvironment env) {
        return Credentials.jwt(issuer.mint(claims("bob")));
    }

    /** Alice's claims signed with a key the issuer does not publish. */
    @Override
    protected Optional<Credentials> invalidCredentials(ContractEnvironment env) {
        return Optional.of(Credentials.jwt(issuer.mintWithUnpublishedKey(claims("alice"))));
    }

    @Override
    protected Optional<Map<String, Object>> invalidSettings() {
        return Optional.of(Map.of("jwkUri", "http://jwks.example.com/keys"));
    }
}
