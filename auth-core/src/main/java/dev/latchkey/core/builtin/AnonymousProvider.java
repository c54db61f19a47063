package dev.latchkey.core.builtin;

import com.google.auto.service.AutoService;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.ProviderContext;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * {@code anon-user}: every log-in is a new anonymous account, as in App Services. Reusing a
 * logged-in anonymous user ({@link Credentials#reuseExisting()}) is the app's job, not the
 * provider's: the provider only ever sees a request for a new account.
 */
@AutoService(CredentialProvider.class)
public final class AnonymousProvider implements CredentialProvider {
    private volatile SecureRandom random;

    @Override
    public String type() {
        return ProviderTypes.ANONYMOUS;
    }

    @Override
    public void start(ProviderContext context) {
        random = context.service(SecureRandom.class);
    }

    @Override
    public Identity authenticate(Credentials credentials) {
        if (!ProviderTypes.ANONYMOUS.equals(credentials.providerType())) {
            throw new AuthException(ErrorCode.MALFORMED, "these are " + credentials.providerType()
                    + " credentials; the anon-user provider takes Credentials.anonymous()");
        }
        if (!credentials.payload().isEmpty()) {
            throw new AuthException(ErrorCode.MALFORMED, "anonymous credentials carry no fields, but got " + credentials);
        }
        byte[] id = new byte[16];
        random.nextBytes(id);
        return Identity.of(ProviderTypes.ANONYMOUS, HexFormat.of().formatHex(id));
    }
}
