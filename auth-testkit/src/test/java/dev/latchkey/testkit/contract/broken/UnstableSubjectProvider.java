package dev.latchkey.testkit.contract.broken;

import dev.latchkey.api.Identity;
import java.util.UUID;

/** Broken on purpose: a new random subject for every log-in of the same account. */
public final class UnstableSubjectProvider extends TokenProvider {
    static final String TYPE = "test-unstable-subject";

    UnstableSubjectProvider() {
        super(TYPE, "unstable");
    }

    @Override
    Identity identity(String token, String name) {
        // The bug: the subject should be the account's id.
        return Identity.of(TYPE, UUID.randomUUID().toString());
    }

    /** The contract, run against this provider only by {@link ContractCatchesBrokenProvidersTest}. */
    public static class Contract extends TokenProviderContract {
        /** Creates the contract run. */
        public Contract() {
            super(TYPE, "unstable", UnstableSubjectProvider::new);
        }
    }
}
