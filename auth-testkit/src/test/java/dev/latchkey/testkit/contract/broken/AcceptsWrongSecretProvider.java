package dev.latchkey.testkit.contract.broken;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.ProviderContext;
import dev.latchkey.testkit.contract.ContractEnvironment;
import dev.latchkey.testkit.contract.CredentialProviderContract;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Broken on purpose: checks the shape of {@code {"user", "secret"}} carefully, then never compares
 * the secret, so any secret logs in. Also not registered with {@code @AutoService}. Everything
 * else is right, so only those two rules may fail.
 */
public final class AcceptsWrongSecretProvider implements CredentialProvider {
    static final String TYPE = "test-accepts-wrong-secret";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void start(ProviderContext context) {
    }

    @Override
    public Identity authenticate(Credentials credentials) {
        if (!TYPE.equals(credentials.providerType()) || !credentials.payload().keySet().equals(Set.of("user", "secret"))) {
            throw new AuthException(ErrorCode.MALFORMED, TYPE + " takes {\"user\", \"secret\"}");
        }
        String user = credentials.stringField("user").orElse("");
        String secret = credentials.stringField("secret").orElse("");
        if (!user.matches("[a-z]{1,32}") || !secret.matches("[0-9a-f]{32}")) {
            throw new AuthException(ErrorCode.MALFORMED, "a user is 1-32 letters a-z and a secret 32 hex digits");
        }
        // The bug: the secret is never checked against the account's.
        return Identity.of(TYPE, user);
    }

    /** The contract, run against this provider only by {@link ContractCatchesBrokenProvidersTest}. */
    @ExtendWith(OnlyThroughEngineTestKit.class)
    public static class Contract extends CredentialProviderContract {
        private final SecureRandom random = new SecureRandom();

        @Override
        protected CredentialProvider createProvider() {
            return new AcceptsWrongSecretProvider();
        }

        @Override
        protected Credentials validCredentials(ContractEnvironment env) {
            return credentials("alice");
        }

        @Override
        protected Credentials otherAccountCredentials(ContractEnvironment env) {
            return credentials("bob");
        }

        @Override
        protected Optional<Credentials> invalidCredentials(ContractEnvironment env) {
            return Optional.of(credentials("alice"));
        }

        private Credentials credentials(String user) {
            byte[] secret = new byte[16];
            random.nextBytes(secret);
            return Credentials.of(TYPE, Map.of("user", user, "secret", HexFormat.of().formatHex(secret)));
        }
    }
}
