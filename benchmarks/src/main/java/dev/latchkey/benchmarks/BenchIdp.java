package dev.latchkey.benchmarks;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.ProviderContext;
import java.util.Map;

/**
 * A benchmark-only identity provider: {@code {"user": subject}} proves the account {@code subject},
 * with no check and no I/O, so a log-in measures the engine and its store, not a provider. Added to
 * each engine in code ({@code Latchkey.Builder.provider}), never registered with ServiceLoader.
 */
final class BenchIdp implements CredentialProvider {
    static final String TYPE = "bench-idp";

    static Credentials as(String subject) {
        return Credentials.of(TYPE, Map.of("user", subject));
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void start(ProviderContext context) {
        // Nothing to read: the provider has no settings.
    }

    @Override
    public Identity authenticate(Credentials credentials) {
        String user = credentials.stringField("user").orElseThrow(() -> new AuthException(ErrorCode.MALFORMED, "no user"));
        return Identity.of(TYPE, user);
    }
}
