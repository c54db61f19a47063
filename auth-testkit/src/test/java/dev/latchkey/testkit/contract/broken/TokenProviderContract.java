package dev.latchkey.testkit.contract.broken;

import dev.latchkey.api.Credentials;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.testkit.contract.ContractEnvironment;
import dev.latchkey.testkit.contract.CredentialProviderContract;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract for a token-based broken provider: accounts alice and bob, tokens of the provider's
 * prefix. Runs only through {@link ContractCatchesBrokenProvidersTest}'s EngineTestKit.
 */
@ExtendWith(OnlyThroughEngineTestKit.class)
abstract class TokenProviderContract extends CredentialProviderContract {
    private final String type;
    private final Supplier<CredentialProvider> provider;
    final TokenAccounts tokens;

    TokenProviderContract(String type, String prefix, Supplier<CredentialProvider> provider) {
        this.type = type;
        this.provider = provider;
        this.tokens = new TokenAccounts(prefix);
    }

    @Override
    protected CredentialProvider createProvider() {
        return provider.get();
    }

    @Override
    protected Credentials validCredentials(ContractEnvironment env) {
        return tokens.credentials(type, "alice");
    }

    @Override
    protected Credentials otherAccountCredentials(ContractEnvironment env) {
        return tokens.credentials(type, "bob");
    }
}
