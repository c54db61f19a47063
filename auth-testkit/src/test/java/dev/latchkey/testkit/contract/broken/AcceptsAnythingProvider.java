package dev.latchkey.testkit.contract.broken;

import dev.latchkey.api.Credentials;
import dev.latchkey.api.Identity;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.ProviderContext;
import dev.latchkey.testkit.contract.AddedAtLevel;
import dev.latchkey.testkit.contract.ContractEnvironment;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Broken on purpose, the worst way: every credential, of any type and any shape, logs in as one
 * account. What a stub left in place "until the real check is written" does.
 */
public final class AcceptsAnythingProvider implements CredentialProvider {
    static final String TYPE = "test-accepts-anything";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void start(ProviderContext context) {
    }

    @Override
    public Identity authenticate(Credentials credentials) {
        // The bug: nothing is checked.
        return Identity.of(TYPE, "alice");
    }

    /** The contract, run against this provider only by {@link ContractCatchesBrokenProvidersTest}. */
    public static class Contract extends TokenProviderContract {
        /** Creates the contract run. */
        public Contract() {
            super(TYPE, "anything", AcceptsAnythingProvider::new);
        }

        @Override
        protected Optional<Credentials> invalidCredentials(ContractEnvironment env) {
            return Optional.of(tokens.credentials(TYPE, "mallory"));
        }
    }

    /**
     * The same contract, with a required rule of the first level overridden and marked as added
     * at the current level, in the hope that its failure becomes a skip.
     */
    public static class RelabelledContract extends Contract {
        @Override
        @Test
        @AddedAtLevel(2)
        public void required_invalidCredentialsAreRejected() {
            super.required_invalidCredentialsAreRejected();
        }
    }
}
