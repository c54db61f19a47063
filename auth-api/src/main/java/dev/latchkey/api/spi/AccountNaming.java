package dev.latchkey.api.spi;

import dev.latchkey.api.Credentials;
import java.util.Optional;

/**
 * A capability of providers whose credentials name an account (an email address, a user name):
 * the engine's log-in throttle counts failed log-ins per account and source with it, so
 * guessing one account's password is slowed down without slowing its owner elsewhere.
 * Providers whose credentials are unguessable secrets (an API key) need not implement it.
 */
public interface AccountNaming {

    /**
     * The account the credentials try to log in to, as the provider would look it up (after the
     * provider's own normalization, such as case folding), whether or not it exists.
     *
     * @param credentials credentials of this provider's type, possibly malformed or hostile
     * @return the account name, or empty when the credentials do not name one; never throws
     */
    Optional<String> accountOf(Credentials credentials);
}
