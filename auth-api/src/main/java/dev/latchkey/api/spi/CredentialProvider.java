package dev.latchkey.api.spi;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.Identity;

/**
 * A way to log in. Each provider ships in its own jar, carries
 * {@code @AutoService(CredentialProvider.class)} and is found at run time with
 * {@link java.util.ServiceLoader}; it is off until the configuration enables it.
 *
 * <p>The engine creates one instance per app, calls {@link #start(ProviderContext)} once, then
 * {@link #authenticate(Credentials)} from many threads at once: an implementation must be
 * thread-safe after start. A provider only verifies: it never creates users; the engine turns
 * the returned {@link Identity} into a user.
 *
 * <p>Optional capabilities are separate interfaces the provider class may also implement (for
 * example {@link ApiKeyManager}); the engine finds them with {@code instanceof}.
 */
public interface CredentialProvider {

    /**
     * The provider's type: the name in the configuration and in {@link Credentials#providerType()}.
     *
     * @return for example {@code "oauth2-google"}; lower case, digits and dashes
     */
    String type();

    /**
     * Reads settings and gets services; fails fast. Called once, before any other call.
     *
     * @param context the provider's view of the engine
     * @throws AuthException {@link dev.latchkey.api.ErrorCode#CONFIGURATION} naming the bad setting
     */
    void start(ProviderContext context);

    /**
     * Checks the credentials and says whose they are.
     *
     * @param credentials credentials of this provider's type
     * @return the identity the credentials prove; its subject is stable per external account.
     *     Check what a backend said before building it: {@link Identity} refuses a blank or overlong
     *     subject with {@link dev.latchkey.api.ErrorCode#INTERNAL}, where a backend's bad answer
     *     should be {@link dev.latchkey.api.ErrorCode#PROVIDER_BACKEND}
     * @throws AuthException {@link dev.latchkey.api.ErrorCode#INVALID_CREDENTIALS} when wrong,
     *     {@link dev.latchkey.api.ErrorCode#MALFORMED} when not in the expected shape,
     *     {@link dev.latchkey.api.ErrorCode#NETWORK} or
     *     {@link dev.latchkey.api.ErrorCode#PROVIDER_BACKEND} when a backend fails; never any
     *     other exception, and never with a secret in the message
     */
    Identity authenticate(Credentials credentials);

    /**
     * Told when an identity of this provider goes away (its user was deleted or the identity
     * unlinked), so the provider can drop its records: a deleted user must not log in again.
     * Does nothing by default.
     *
     * @param subject the identity's subject
     */
    default void identityRemoved(String subject) {
    }
}
