package dev.latchkey.provider.custom;

import dev.latchkey.api.Credentials;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.contract.ContractEnvironment;
import dev.latchkey.testkit.contract.CredentialProviderContract;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code custom-function} with an {@link AuthFunction} the application registered keeps the whole
 * contract; it has no backend, so the backend rules are skipped (the webhook's contract test and
 * {@link CustomFunctionProviderTest} cover remote failures).
 */
class CustomFunctionInProcessContractTest extends CredentialProviderContract {

    @Override
    protected CredentialProvider createProvider() {
        return new CustomFunctionProvider();
    }

    @Override
    protected Map<String, Object> settings() {
        return Map.of("timeout", "PT2S");
    }

    @Override
    protected void configure(EngineHarness.Builder engine) {
        engine.service(AuthFunction.class, PinDirectory.function());
    }

    @Override
    protected Credentials validCredentials(ContractEnvironment env) {
        return Credentials.function(Map.of("username", "caleb", "pin", PinDirectory.CALEB_PIN));
    }

    @Override
    protected Credentials otherAccountCredentials(ContractEnvironment env) {
        return Credentials.function(Map.of("username", "alice", "pin", PinDirectory.ALICE_PIN));
    }

    @Override
    protected Optional<Credentials> invalidCredentials(ContractEnvironment env) {
        return Optional.of(Credentials.function(Map.of("username", "caleb", "pin", "pin-of-mallory-0000")));
    }

    /**
     * The payload is free-form, so the derived hostile payloads mean nothing here; these are what
     * this provider refuses: over the size limit (MALFORMED, before the function runs), and
     * payloads without the fields the function needs (the function refuses: INVALID_CREDENTIALS).
     */
    @Override
    protected List<Credentials> malformedCredentials(ContractEnvironment env) {
        return CustomFunctionContractPayloads.malformed();
    }

    @Override
    protected Optional<Map<String, Object>> invalidSettings() {
        return Optional.of(Map.of("timeout", "PT2M"));
    }
}
