package dev.latchkey.testkit.contract.broken;

import dev.latchkey.api.Identity;
import java.util.concurrent.locks.LockSupport;

/**
 * Broken on purpose: keeps the account of the call in progress in a field, then "looks it up"
 * (a pause standing in for a database or HTTP call) and reads the field back. One thread at a time
 * it is right; under load a log-in can come back as another account.
 */
public final class NotThreadSafeProvider extends TokenProvider {
    static final String TYPE = "test-not-thread-safe";

    // The bug: per-call state in a field shared by every thread.
    private String current;

    NotThreadSafeProvider() {
        super(TYPE, "shared");
    }

    @Override
    Identity identity(String token, String name) {
        current = name;
        LockSupport.parkNanos(2_000_000);
        return Identity.of(TYPE, current);
    }

    /** The contract, run against this provider only by {@link ContractCatchesBrokenProvidersTest}. */
    public static class Contract extends TokenProviderContract {
        /** Creates the contract run. */
        public Contract() {
            super(TYPE, "shared", NotThreadSafeProvider::new);
        }
    }
}
