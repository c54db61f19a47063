package dev.latchkey.testkit.contract.broken;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;

/**
 * Broken on purpose: casts the {@code token} field without checking it, so a missing field throws
 * NullPointerException and a number throws ClassCastException.
 */
public final class NullPointerProvider extends TokenProvider {
    static final String TYPE = "test-null-pointer";

    NullPointerProvider() {
        super(TYPE, "npe");
    }

    @Override
    public Identity authenticate(Credentials credentials) {
        // The bug: a cast and a dereference of a field nobody checked.
        String token = (String) credentials.payload().get("token");
        if (!token.startsWith("npe-")) {
            throw new AuthException(ErrorCode.INVALID_CREDENTIALS, "unknown token");
        }
        return Identity.of(TYPE, "user-" + Integer.toHexString(token.hashCode()));
    }

    /** The contract, run against this provider only by {@link ContractCatchesBrokenProvidersTest}. */
    public static class Contract extends TokenProviderContract {
        /** Creates the contract run. */
        public Contract() {
            super(TYPE, "npe", NullPointerProvider::new);
        }
    }
}
