package dev.latchkey.testkit.contract.broken;

import dev.latchkey.api.Identity;

/** Broken on purpose: uses the secret token itself as the subject, so it is stored and shown everywhere. */
public final class SecretSubjectProvider extends TokenProvider {
    static final String TYPE = "test-secret-subject";

    SecretSubjectProvider() {
        super(TYPE, "subject");
    }

    @Override
    Identity identity(String token, String name) {
        // The bug: the subject is the secret.
        return Identity.of(TYPE, token);
    }

    /** The contract, run against this provider only by {@link ContractCatchesBrokenProvidersTest}. */
    public static class Contract extends TokenProviderContract {
        /** Creates the contract run. */
        public Contract() {
            super(TYPE, "subject", SecretSubjectProvider::new);
        }
    }
}
