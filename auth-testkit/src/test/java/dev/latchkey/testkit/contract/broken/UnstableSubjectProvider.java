package dev.latchkey.testkit.contract.broken;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.ProviderContext;
import dev.latchkey.testkit.contract.ContractEnvironment;
import dev.latchkey.testkit.contract.CredentialProviderContract;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtendWith;

/** Broken on purpose: a new random subject for every log-in of the same account. */
public final class UnstableSubjectProvider implements CredentialProvider {
    static final String TYPE = "test-unstable-subject";
    private final TokenAccounts tokens = new TokenAccounts("unstable");

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void start(ProviderContext context) {
    }

    @Override
    public Identity authenticate(Credentials credentials) {
        if (!TYPE.equals(credentials.providerType()) || !credentials.payload().keySet().equals(Set.of("token"))) {
            throw new AuthException(ErrorCode.MALFORMED, TYPE + " takes {\"token\"}");
        }
        String token = credentials.stringField("token")
                .orElseThrow(() -> new AuthException(ErrorCode.MALFORMED, "the token must be a string"));
        if (tokens.nameIn(token) == null) {
            throw new AuthException(ErrorCode.MALFORMED, "not a token");
        }
        // The bug: the subject should be the account's id.
        return Identity.of(TYPE, UUID.randomUUID().toString());
    }

    /** The contract, run against this provider only by {@link ContractCatchesBrokenProvidersTest}. */
    @ExtendWith(OnlyThroughEngineTestKit.class)
    public static class Contract extends CredentialProviderContract {
        private final TokenAccounts tokens = new TokenAccounts("unstable");

        @Override
        protected CredentialProvider createProvider() {
            return new UnstableSubjectProvider();
        }

        @Override
        protected Credentials validCredentials(ContractEnvironment env) {
            return tokens.credentials(TYPE, "alice");
        }

        @Override
        protected Credentials otherAccountCredentials(ContractEnvironment env) {
            return tokens.credentials(TYPE, "bob");
        }
    }
}
