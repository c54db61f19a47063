package dev.latchkey.testkit.contract.broken;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.ProviderContext;
import dev.latchkey.testkit.contract.ContractEnvironment;
import dev.latchkey.testkit.contract.CredentialProviderContract;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Broken on purpose: casts the {@code token} field without checking it, so a missing field throws
 * NullPointerException and a number throws ClassCastException.
 */
public final class NullPointerProvider implements CredentialProvider {
    static final String TYPE = "test-null-pointer";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void start(ProviderContext context) {
    }

    @Override
    public Identity authenticate(Credentials credentials) {
        String token = (String) credentials.payload().get("token");
        if (!token.startsWith("npe-")) {
            throw new AuthException(ErrorCode.INVALID_CREDENTIALS, "unknown token");
        }
        return Identity.of(TYPE, "user-" + Integer.toHexString(token.hashCode()));
    }

    /** The contract, run against this provider only by {@link ContractCatchesBrokenProvidersTest}. */
    @ExtendWith(OnlyThroughEngineTestKit.class)
    public static class Contract extends CredentialProviderContract {
        private final TokenAccounts tokens = new TokenAccounts("npe");

        @Override
        protected CredentialProvider createProvider() {
            return new NullPointerProvider();
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
