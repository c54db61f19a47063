package dev.latchkey.api.spi;

import dev.latchkey.api.AuthException;
import java.time.Clock;
import java.util.Optional;

/** What the engine offers a provider while it starts and runs. Thread-safe. */
public interface ProviderContext {

    /**
     * The app's id.
     *
     * @return the id
     */
    String appId();

    /**
     * The type of the provider being started.
     *
     * @return the provider type
     */
    String providerType();

    /**
     * Binds the provider's section of the configuration (less {@code "enabled"}) to a settings
     * class, usually a record whose canonical constructor checks values and fills defaults.
     * Durations are ISO-8601 strings ({@code "PT30M"}). A key the class does not have, a value
     * of the wrong type, or an {@link IllegalArgumentException} from the constructor fails with
     * {@link dev.latchkey.api.ErrorCode#CONFIGURATION}, naming the provider and the setting.
     *
     * @param type the settings class
     * @param <T> the settings type
     * @return the bound settings
     * @throws AuthException {@link dev.latchkey.api.ErrorCode#CONFIGURATION}
     */
    <T> T settings(Class<T> type);

    /**
     * The clock every time-dependent decision must use, so tests can move time.
     *
     * @return the engine's clock
     */
    Clock clock();

    /**
     * The provider's own record store, namespaced by provider type, on whatever store the app uses.
     *
     * @return the store
     */
    ProviderStore store();

    /**
     * Ends every session opened with one of this provider's identities, at once: its refresh
     * tokens are refused from now on, and so are its access tokens wherever they are checked with
     * {@code AuthService.verify} (a service that checks them offline against the JWKS accepts them
     * until they expire, at most the access-token lifetime). For a provider whose credentials
     * changed (a password reset) so that every device must log in again.
     *
     * @param subject the identity's subject
     * @return how many sessions ended
     */
    int endSessions(String subject);

    /**
     * A shared service: {@code okhttp3.OkHttpClient} (the one HTTP client: connect timeout 5 s,
     * read and write 10 s, whole call 15 s, redirects not followed — derive a client with tighter
     * timeouts through {@code newBuilder()}, which shares its connection pool),
     * {@link java.util.concurrent.ScheduledExecutorService} (for delays; do not block its threads),
     * {@link java.util.concurrent.ExecutorService} (for blocking work off the caller's thread, such
     * as sending mail), {@link java.security.SecureRandom}; and any service the application
     * registered for its providers (a confirmation function, a mail-failure listener), looked
     * up by the type it was registered under.
     *
     * @param type the service's type
     * @param <T> the service type
     * @return the service
     * @throws AuthException {@link dev.latchkey.api.ErrorCode#CONFIGURATION} when the engine has no such service
     */
    <T> T service(Class<T> type);

    /**
     * A shared or application-registered service that may be absent.
     *
     * @param type the service's type
     * @param <T> the service type
     * @return the service, or empty
     */
    <T> Optional<T> optionalService(Class<T> type);
}
