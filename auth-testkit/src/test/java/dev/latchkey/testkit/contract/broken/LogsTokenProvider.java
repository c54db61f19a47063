package dev.latchkey.testkit.contract.broken;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.testkit.contract.ContractEnvironment;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Broken on purpose: when it refuses a token it logs it (JUL) and prints it to {@code System.err},
 * "for debugging". Its exception message is clean.
 */
public final class LogsTokenProvider extends TokenProvider {
    static final String TYPE = "test-logs-token";
    /** Every token this provider's test makes starts with this, so a test can look for leaks of it. */
    static final String TOKEN_PREFIX = "logged-secret";

    private final Logger log = Logger.getLogger(LogsTokenProvider.class.getName());

    LogsTokenProvider() {
        super(TYPE, TOKEN_PREFIX);
    }

    @Override
    Identity identity(String token, String name) {
        if (!"alice".equals(name) && !"bob".equals(name)) {
            // The bug: the token goes to the log and to the console.
            log.info("refused token " + token);
            System.err.println("refused token " + token);
            throw new AuthException(ErrorCode.INVALID_CREDENTIALS, "unknown token");
        }
        return super.identity(token, name);
    }

    /** The contract, run against this provider only by {@link ContractCatchesBrokenProvidersTest}. */
    public static class Contract extends TokenProviderContract {
        /** Creates the contract run. */
        public Contract() {
            super(TYPE, TOKEN_PREFIX, LogsTokenProvider::new);
        }

        @Override
        protected Optional<Credentials> invalidCredentials(ContractEnvironment env) {
            return Optional.of(tokens.credentials(TYPE, "mallory"));
        }
    }
}
