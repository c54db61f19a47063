package dev.latchkey.testkit.remote;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.Profile;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.ProviderContext;
import java.util.Map;

/** A stand-in identity provider: {@code {"user": name, "code": "ok-" + name}} proves the account {@code name}. */
final class CodeIdp implements CredentialProvider {
    static final String TYPE = "test-code";

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
        String code = credentials.stringField("code").orElseThrow(() -> new AuthException(ErrorCode.MALFORMED, "no code"));
        if (!code.equals("ok-" + user)) {
            throw new AuthException(ErrorCode.INVALID_CREDENTIALS, "wrong code");
        }
        return new Identity(TYPE, user, Profile.builder().name(user).email(user + "@example.com").minAge(21).build());
    }
}
