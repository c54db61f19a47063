package dev.latchkey.provider.email;

import dev.latchkey.api.Credentials;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.contract.ContractEnvironment;
import dev.latchkey.testkit.contract.CredentialProviderContract;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code local-userpass} keeps the provider contract. Accounts are registered through the
 * engine's {@code emailPassword()} with automatic confirmation, as an application in development
 * would; the flows that need mail are tested end to end in {@link RegistrationAndConfirmationTest}, {@link PasswordResetTest} and the other end-to-end tests.
 * Hashing is made cheap here (the contract logs in hundreds of times); the default cost has its
 * own test. The engine's log-in throttle is off: the contract's hostile payloads against one
 * account would otherwise, rightly, be throttled before they are all tried.
 */
class EmailPasswordProviderContractTest extends CredentialProviderContract {
    private static final String ALICE = "alice@example.com";
    private static final String BOB = "bob@example.com";
    private static final String ALICE_PASSWORD = "correct horse battery staple";
    private static final String BOB_PASSWORD = "Tr0ub4dor&3-of-bob";

    private boolean registered;

    @Override
    protected CredentialProvider createProvider() {
        return new EmailPasswordProvider();
    }

    @Override
    protected Map<String, Object> settings() {
        return Map.of("autoConfirm", true, "passwordHashing", Map.of("memoryKib", 1024, "iterations", 1));
    }

    @Override
    protected void configure(EngineHarness.Builder engine) {
        engine.throttle(Map.of("enabled", false));
    }

    @Override
    protected Credentials validCredentials(ContractEnvironment env) {
        register(env);
        return Credentials.emailPassword(ALICE, ALICE_PASSWORD);
    }

    @Override
    protected Credentials otherAccountCredentials(ContractEnvironment env) {
        register(env);
        return Credentials.emailPassword(BOB, BOB_PASSWORD);
    }

    /** Alice's address with Bob's password: well formed, and wrong. */
    @Override
    protected Optional<Credentials> invalidCredentials(ContractEnvironment env) {
        register(env);
        return Optional.of(Credentials.emailPassword(ALICE, BOB_PASSWORD));
    }

    /** Confirmation needs a mode; none given is refused at start. */
    @Override
    protected Optional<Map<String, Object>> invalidSettings() {
        return Optional.of(Map.of("minPasswordLength", 8));
    }

    /** The default secrets less the addresses: an address is the account's name, shown in its profile, not a secret. */
    @Override
    protected Set<String> secretsOf(Credentials credentials) {
        Set<String> secrets = new LinkedHashSet<>(super.secretsOf(credentials));
        secrets.removeAll(Set.of(ALICE, BOB));
        return secrets;
    }

    private void register(ContractEnvironment env) {
        if (!registered) {
            env.service().emailPassword().registerUser(ALICE, ALICE_PASSWORD);
            env.service().emailPassword().registerUser(BOB, BOB_PASSWORD);
            registered = true;
        }
    }
}
