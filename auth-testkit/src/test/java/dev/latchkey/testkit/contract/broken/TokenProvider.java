package dev.latchkey.testkit.contract.broken;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.ProviderContext;
import java.util.Set;

/**
 * The well-behaved core the token-based broken providers share: {@code {"token": "<prefix>-<name>-<32 hex>"}}
 * proves the account {@code name}. Each subclass breaks one thing by overriding one step.
 */
abstract class TokenProvider implements CredentialProvider {
    private final String type;
    final TokenAccounts tokens;

    TokenProvider(String type, String prefix) {
        this.type = type;
        this.tokens = new TokenAccounts(prefix);
    }

    @Override
    public final String type() {
        return type;
    }

    @Override
    public void start(ProviderContext context) {
    }

    @Override
    public Identity authenticate(Credentials credentials) {
        if (!type.equals(credentials.providerType()) || !credentials.payload().keySet().equals(Set.of("token"))) {
            throw new AuthException(ErrorCode.MALFORMED, type + " takes {\"token\"}");
        }
        String token = credentials.stringField("token")
                .orElseThrow(() -> new AuthException(ErrorCode.MALFORMED, "the token must be a string"));
        String name = tokens.nameIn(token);
        if (name == null) {
            throw new AuthException(ErrorCode.MALFORMED, "not a token");
        }
        return identity(token, name);
    }

    /**
     * The identity a well-formed token proves.
     *
     * @param token the token
     * @param name the account it names
     * @return the account's identity
     */
    Identity identity(String token, String name) {
        return Identity.of(type, name);
    }
}
