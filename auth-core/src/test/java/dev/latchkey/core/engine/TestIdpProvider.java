package dev.latchkey.core.engine;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.Profile;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.ProviderContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A provider for engine tests: {@code {"account": a, "secret": "pw-" + a}} proves account a.
 * Deliberately not registered with ServiceLoader (it would appear in every engine of the module);
 * tests add it with {@code Latchkey.Builder.provider}.
 */
class TestIdpProvider implements CredentialProvider {
    static final String TYPE = "test-idp";

    record Settings(String greeting, Integer maxAccountLength, Duration window) {
        Settings {
            if (maxAccountLength == null) {
                maxAccountLength = 64;
            }
            if (maxAccountLength < 1) {
                throw new IllegalArgumentException("maxAccountLength must be at least 1");
            }
        }
    }

    final List<String> removedSubjects = new CopyOnWriteArrayList<>();
    volatile Settings settings;
    volatile ProviderContext context;

    static Credentials credentials(String account) {
        return Credentials.of(TYPE, java.util.Map.of("account", account, "secret", "pw-" + account));
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void start(ProviderContext ctx) {
        this.context = ctx;
        this.settings = ctx.settings(Settings.class);
    }

    @Override
    public Identity authenticate(Credentials credentials) {
        String account = credentials.stringField("account")
                .orElseThrow(() -> new AuthException(ErrorCode.MALFORMED, "test-idp credentials need an account"));
        String secret = credentials.stringField("secret").orElse("");
        if (account.length() > settings.maxAccountLength()) {
            throw new AuthException(ErrorCode.MALFORMED, "account too long");
        }
        if (!secret.equals("pw-" + account)) {
            throw new AuthException(ErrorCode.INVALID_CREDENTIALS, "wrong secret");
        }
        return new Identity(TYPE, account, Profile.builder().name("Name of " + account).email(account + "@example.com").build());
    }

    @Override
    public void identityRemoved(String subject) {
        removedSubjects.add(subject);
    }
}
