package dev.latchkey.testkit.contract.broken;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.testkit.contract.ContractEnvironment;
import java.util.Optional;

/**
 * Broken on purpose, and only in this: right in every way, but not registered with
 * {@code @AutoService(CredentialProvider.class)}, so an application that adds its jar never finds
 * it. Tests that construct the provider themselves would never notice.
 */
public final class UnregisteredProvider extends TokenProvider {
    static final String TYPE = "test-unregistered";

    UnregisteredProvider() {
        super(TYPE, "unregistered");
    }

    @Override
    Identity identity(String token, String name) {
        if (!"alice".equals(name) && !"bob".equals(name)) {
            throw new AuthException(ErrorCode.INVALID_CREDENTIALS, "unknown token");
        }
        return super.identity(token, name);
    }

    /** The contract, run against this provider only by {@link ContractCatchesBrokenProvidersTest}. */
    public static class Contract extends TokenProviderContract {
        /** Creates the contract run. */
        public Contract() {
            super(TYPE, "unregistered", UnregisteredProvider::new);
        }

        @Override
        protected Optional<Credentials> invalidCredentials(ContractEnvironment env) {
            return Optional.of(tokens.credentials(TYPE, "mallory"));
        }
    }
}
