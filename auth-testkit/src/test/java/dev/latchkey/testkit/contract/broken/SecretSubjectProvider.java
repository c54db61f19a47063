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
import org.junit.jupiter.api.extension.ExtendWith;

/** Broken on purpose: uses the token itself as the subject, so the secret is stored and put in access tokens. */
public final class SecretSubjectProvider implements CredentialProvider {
    static final String TYPE = "test-secret-subject";
    private final TokenAccounts tokens = new TokenAccounts("subject");

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
        // The bug: the subject is the secret.
        return Identity.of(TYPE, token);
    }

    /** The contract, run against this provider only by {@link ContractCatchesBrokenProvidersTest}. */
    @ExtendWith(OnlyThroughEngineTestKit.class)
    public static class Contract extends CredentialProviderContract {
        private final TokenAccounts tokens = new TokenAccounts("subject");

        @Override
        protected CredentialProvider createProvider() {
            return new SecretSubjectProvider();
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
