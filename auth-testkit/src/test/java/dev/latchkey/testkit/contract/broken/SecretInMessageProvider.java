package dev.latchkey.testkit.contract.broken;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.testkit.contract.ContractEnvironment;
import java.util.Optional;

/** Broken on purpose: puts the refused token in its exception's message, which callers log and show. */
public final class SecretInMessageProvider extends TokenProvider {
    static final String TYPE = "test-secret-in-message";
    /** Every token this provider's test makes starts with this, so a test can look for leaks of it. */
    static final String TOKEN_PREFIX = "message-secret";

    SecretInMessageProvider() {
        super(TYPE, TOKEN_PREFIX);
    }

    @Override
    Identity identity(String token, String name) {
        if (!"alice".equals(name) && !"bob".equals(name)) {
            // The bug: the secret is part of the message.
            throw new AuthException(ErrorCode.INVALID_CREDENTIALS, "unknown token " + token);
        }
        return super.identity(token, name);
    }

    /** The contract, run against this provider only by {@link ContractCatchesBrokenProvidersTest}. */
    public static class Contract extends TokenProviderContract {
        /** Creates the contract run. */
        public Contract() {
            super(TYPE, TOKEN_PREFIX, SecretInMessageProvider::new);
        }

        @Override
        protected Optional<Credentials> invalidCredentials(ContractEnvironment env) {
            return Optional.of(tokens.credentials(TYPE, "mallory"));
        }
    }
}
