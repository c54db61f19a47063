package dev.latchkey.testkit.engine;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.Profile;
import dev.latchkey.api.spi.AccountNaming;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.ProviderContext;
import java.util.Map;
import java.util.Optional;

/**
 * A stand-in identity provider for engine tests: {@code {"user": name, "code": "ok-" + name}}
 * proves the account {@code name}. Added to each engine in code, never registered with
 * ServiceLoader.
 */
final class PasswordlessIdp implements CredentialProvider, AccountNaming {
    static final String TYPE = "test-passwordless";

    static Credentials as(String name) {
        return Credentials.of(TYPE, Map.of("user", name, "code", "ok-" + name));
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** The account is the user name, as the engine's log-in throttle counts failures. */
    @Override
    public Optional<String> accountOf(Credentials credentials) {
        return credentials.stringField("user");
    }

    @Override
    public void start(ProviderContext context) {
    }

    @Override
    public Identity authenticate(Credentials credentials) {
        String user = credentials.stringField("user").orElseThrow(() -> new AuthException(ErrorCode.MALFORMED, "no user"));
        String code = credentials.stringField("code").orElseThrow(() -> new AuthException(ErrorCode.MALFORMED, "no code"));
        if (!code.equals("ok-" + user)) {
            throw new AuthException(ErrorCode.INVALID_CREDENTIALS, "wrong code");
        }
        return new Identity(TYPE, user, Profile.builder().name(user).build());
    }
}
