package dev.latchkey.testkit.contract;

import dev.latchkey.api.Credentials;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.core.builtin.AnonymousProvider;
import java.util.Map;
import java.util.Optional;

/**
 * Core's {@code anon-user} provider keeps the contract. Every log-in is a new account, and there
 * are no wrong anonymous credentials, only malformed ones (any field at all).
 */
class AnonymousProviderContractTest extends CredentialProviderContract {

    @Override
    protected CredentialProvider createProvider() {
        return new AnonymousProvider();
    }

    @Override
    protected boolean eachLogInIsANewAccount() {
        return true;
    }

    @Override
    protected Credentials validCredentials(ContractEnvironment env) {
        return Credentials.anonymous(false);
    }

    @Override
    protected Credentials otherAccountCredentials(ContractEnvironment env) {
        return Credentials.anonymous(false);
    }

    /** The provider takes no settings, so any setting is a bad one. */
    @Override
    protected Optional<Map<String, Object>> invalidSettings() {
        return Optional.of(Map.of("reuseAnonymousUsers", true));
    }
}
