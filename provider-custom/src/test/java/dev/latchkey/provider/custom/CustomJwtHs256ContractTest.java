package dev.latchkey.provider.custom;

import dev.latchkey.api.Credentials;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.TestClock;
import dev.latchkey.testkit.contract.ContractEnvironment;
import dev.latchkey.testkit.contract.CredentialProviderContract;
import dev.latchkey.testkit.fake.FakeJwtIssuer;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code custom-token} with an HS256 secret keeps the contract's required rules (it calls no backend). */
class CustomJwtHs256ContractTest extends CredentialProviderContract {
    static final String APP = "contract-app";
    private static final String SECRET = "contract-secret-0123456789-abcdefghijklmnop";

    private final TestClock clock = new TestClock();
    private final FakeJwtIssuer issuer = FakeJwtIssuer.hs256(SECRET);

    @Override
    protected CredentialProvider createProvider() {
        return new CustomJwtProvider();
    }

    @Override
    protected Map<String, Object> settings() {
        return Map.of("hs256Secrets", List.of(SECRET));
    }

    @Override
    protected void configure(EngineHarness.Builder engine) {
        engine.clock(clock).appId(APP);
    }

    @Override
    protected Credentials validCredentials(ContractEnvironment env) {
        return Credentials.jwt(issuer.mint(FakeJwtIssuer.claims("alice", APP, clock.instant())));
    }

    @Override
    protected Credentials otherAccountCredentials(ContractEnvironment env) {
        return Credentials.jwt(issuer.mint(FakeJwtIssuer.claims("bob", APP, clock.instant())));
    }

    /** Alice's claims signed with another secret. */
    @Override
    protected Optional<Credentials> invalidCredentials(ContractEnvironment env) {
        return Optional.of(Credentials.jwt(FakeJwtIssuer.hs256("another-secret-0123456789-abcdefghijklmn")
                .mint(FakeJwtIssuer.claims("alice", APP, clock.instant()))));
    }

    @Override
    protected Optional<Map<String, Object>> invalidSettings() {
        return Optional.of(Map.of("hs256Secrets", List.of("too-short")));
    }
}
