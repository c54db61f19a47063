package dev.latchkey.testkit.contract.broken;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.ProviderContext;
import dev.latchkey.testkit.contract.ContractEnvironment;
import dev.latchkey.testkit.contract.CredentialProviderContract;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Broken on purpose: when it refuses a token it logs it (JUL and {@code System.err}) and puts it
 * in the exception's message.
 */
public final class LeakyProvider implements CredentialProvider {
    static final String TYPE = "test-leaky";
    /** Every token this provider's test makes starts with this, so a test can look for leaks of it. */
    static final String TOKEN_PREFIX = "leaky-secret";

    private final Logger log = Logger.getLogger(LeakyProvider.class.getName());
    private final TokenAccounts tokens = new TokenAccounts(TOKEN_PREFIX);

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
        String name = tokens.nameIn(token);
        if (!"alice".equals(name) && !"bob".equals(name)) {
            // The bugs: the token goes to the log, to the console and into the message.
            log.info("refused token " + token);
            System.err.println("refused token " + token);
            throw new AuthException(ErrorCode.INVALID_CREDENTIALS, "unknown token " + token);
        }
        return Identity.of(TYPE, name);
    }

    /** The contract, run against this provider only by {@link ContractCatchesBrokenProvidersTest}. */
    @ExtendWith(OnlyThroughEngineTestKit.class)
    public static class Contract extends CredentialProviderContract {
        private final TokenAccounts tokens = new TokenAccounts(TOKEN_PREFIX);

        @Override
        protected CredentialProvider createProvider() {
            return new LeakyProvider();
        }

        @Override
        protected Credentials validCredentials(ContractEnvironment env) {
            return tokens.credentials(TYPE, "alice");
        }

        @Override
        protected Credentials otherAccountCredentials(ContractEnvironment env) {
            return tokens.credentials(TYPE, "bob");
        }

        @Override
        protected Optional<Credentials> invalidCredentials(ContractEnvironment env) {
            return Optional.of(tokens.credentials(TYPE, "mallory"));
        }
    }
}
