package dev.latchkey.testkit.contract.broken;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.testkit.contract.ContractEnvironment;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Broken on purpose: when it refuses a token it logs it (JUL and {@code System.err}) and puts it
 * in the exception's message.
 */
public final class LeakyProvider extends TokenProvider {
    static final String TYPE = "test-leaky";
    /** Every token this provider's test makes starts with this, so a test can look for leaks of it. */
    static final String TOKEN_PREFIX = "leaky-secret";

    private final Logger log = Logger.getLogger(LeakyProvider.class.getName());

    LeakyProvider() {
        super(TYPE, TOKEN_PREFIX);
    }

    @Override
    Identity identity(String token, String name) {
        if (!"alice".equals(name) && !"bob".equals(name)) {
            // The bugs: the token goes to the log, to the console and into the message.
            log.info("refused token " + token);
            System.err.println("refused token " + token);
            throw new AuthException(ErrorCode.INVALID_CREDENTIALS, "unknown token " + token);
        }
        return super.identity(token, name);
    }

    /** The contract, run against this provider only by {@link ContractCatchesBrokenProvidersTest}. */
    public static class Contract extends TokenProviderContract {
        /** Creates the contract run. */
        public Contract() {
            super(TYPE, TOKEN_PREFIX, LeakyProvider::new);
        }

        @Override
        protected Optional<Credentials> invalidCredentials(ContractEnvironment env) {
            return Optional.of(tokens.credentials(TYPE, "mallory"));
        }
    }
}
