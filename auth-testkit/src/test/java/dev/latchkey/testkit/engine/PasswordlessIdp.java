package dev.latchkey.testkit.engine;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.Profile;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.ProviderContext;
import java.util.Map;

/**
 * A stand-in identity provider for engine tests: {@code {"user": name, "code": "ok-" + name}}
 * proves the account {@code name}. Added to each engine in code, never registered with
 * ServiceLoader.
 */
final class PasswordlessIdp implements CredentialProvider {
    static final String TYPE = "test-passwordless";

    static Credentials as(String name) {
        return Credentials.of(TYPE, Map.of("user", name, "code", "ok-" + name));
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void start(ProviderContext context) {
    }

    @Override
    public Identity authenticate(Credentials credentials) {
        String user = credentials.stringField("user").orElseThrow(() -> new AuthException(ErrorCode.MALFORMED, "no user"));
        if (!credentials.stringField("code").orElse("").equals("ok-" + user)) {
            throw new AuthException(ErrorCode.INVALID_CREDENTIALS, "wrong code");
        }
        return new Identity(TYPE, user, Profile.builder().name(user).build());
    }
}
