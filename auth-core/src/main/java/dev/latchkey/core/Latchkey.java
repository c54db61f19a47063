package dev.latchkey.core;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import com.google.inject.spi.Message;
import dev.latchkey.api.AuthApp;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.core.client.DefaultAuthApp;
import dev.latchkey.core.remote.HttpAuthBackend;
import dev.latchkey.core.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

/**
 * Where an application starts.
 *
 * <pre>{@code
 * AuthApp app = Latchkey.app("my-app").config(Path.of("latchkey.json")).build();
 * User user = app.logIn(Credentials.anonymous());
 *
 * AuthService engine = Latchkey.service("my-app").config(Path.of("latchkey.json")).build();
 *
 * AuthApp remote = Latchkey.app("my-app").baseUrl("https://auth.example.com").build();   // an auth-server
 * }</pre>
 */
public final class Latchkey {
    private Latchkey() {
    }

    /**
     * Starts building a client app with its own in-process engine.
     *
     * @param appId the app's id
     * @return a builder
     */
    public static AppBuilder app(String appId) {
        return new AppBuilder(appId);
    }

    /**
     * Starts building an engine, for code that serves many users.
     *
     * @param appId the app's id
     * @return a builder
     */
    public static Builder<AuthService> service(String appId) {
        return new Builder<>(appId, injector -> injector.getInstance(AuthService.class));
    }

    /**
     * A client app over an engine that already runs: another device of the same app. Closing
     * the app leaves the engine running.
     *
     * @param service the engine
     * @param clock the clock that decides when tokens are stale
     * @return the app
     */
    public static AuthApp client(AuthService service, Clock clock) {
        if (service == null || clock == null) {
            throw new AuthException(ErrorCode.INVALID_PARAMETER, "a client needs a service and a clock");
        }
        return new DefaultAuthApp(service, false, clock);
    }

    /**
     * A client app over an engine that already runs, that keeps its users in a session cache
     * under a data directory: a new client over the same directory starts with the users, the
     * current user and the device id the last one left, without calling the engine. Closing the
     * app leaves the engine running.
     *
     * @param service the engine
     * @param clock the clock that decides when tokens are stale
     * @param dataDirectory the data directory; the cache is {@code <dataDirectory>/<appId>/session-cache.json}
     * @return the app; a missing, damaged or untrusted cache is logged and means no session, never an error
     */
    public static AuthApp client(AuthService service, Clock clock, Path dataDirectory) {
        if (service == null || clock == null || dataDirectory == null) {
            throw new AuthException(ErrorCode.INVALID_PARAMETER, "a client needs a service, a clock and a data directory");
        }
        return new DefaultAuthApp(service, false, clock, dataDirectory);
    }

    /**
     * Builds an app or an engine. Not thread-safe.
     *
     * @param <T> what it builds
     */
    public static class Builder<T> {
        private final LatchkeyOptions.Builder options;
        private final Function<Injector, T> product;

        private Builder(String appId, Function<Injector, T> product) {
            this.options = LatchkeyOptions.builder(appId);
            this.product = product;
        }

        /**
         * Reads the configuration from a JSON file.
         *
         * @param file the file
         * @return this builder
         */
        public Builder<T> config(Path file) {
            options.config(file);
            return this;
        }

        /**
         * Takes the configuration as JSON text.
         *
         * @param json the configuration
         * @return this builder
         */
        public Builder<T> config(String json) {
            options.config(json);
            return this;
        }

        /**
         * Sets the data directory (embedded store and session cache).
         *
         * @param directory the directory
         * @return this builder
         */
        public Builder<T> dataDirectory(Path directory) {
            options.dataDirectory(directory);
            return this;
        }

        /**
         * Sets the clock.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder<T> clock(Clock clock) {
            options.clock(clock);
            return this;
        }

        /**
         * Registers a service for providers (a confirmation function, a mail-failure listener):
         * see {@link LatchkeyOptions.Builder#service(Class, Object)}.
         *
         * @param type the type providers ask for
         * @param service the implementation
         * @param <S> the service type
         * @return this builder
         */
        public <S> Builder<T> service(Class<S> type, S service) {
            options.service(type, service);
            return this;
        }

        /**
         * Adds a provider built in code; it replaces a discovered provider of its type.
         *
         * @param provider the provider
         * @return this builder
         */
        public Builder<T> provider(CredentialProvider provider) {
            options.provider(provider);
            return this;
        }

        /**
         * Keeps users in a database (PostgreSQL, to share them between instances) instead of the
         * embedded default; replaces the configuration's {@code store} section.
         *
         * @param jdbcUrl {@code jdbc:postgresql://host:port/database}
         * @param username the database user
         * @param password the database password
         * @return this builder
         */
        public Builder<T> database(String jdbcUrl, String username, String password) {
            options.database(jdbcUrl, username, password);
            return this;
        }

        /**
         * Uses a specific store.
         *
         * @param store the store
         * @return this builder
         */
        public Builder<T> store(Store store) {
            options.store(store);
            return this;
        }

        /**
         * Builds and starts it: providers start, signing keys are loaded or made.
         *
         * @return the app or engine
         * @throws AuthException {@link ErrorCode#CONFIGURATION} when the configuration, a provider
         *     or the store refuses to start
         */
        public T build() {
            try {
                return product.apply(Guice.createInjector(new LatchkeyModule(options.build())));
            } catch (ProvisionException e) {
                throw unwrap(e.getErrorMessages(), e);
            } catch (CreationException e) {
                throw unwrap(e.getErrorMessages(), e);
            }
        }

        /** Guice wraps what a constructor throws; the application should see our error, not Guice's. */
        private static RuntimeException unwrap(Iterable<Message> messages, RuntimeException guiceError) {
            for (Message m : messages) {
                for (Throwable t = m.getCause(); t != null; t = t.getCause()) {
                    if (t instanceof AuthException auth) {
                        return new AuthException(auth.code(), auth.getMessage());
                    }
                }
            }
            return new AuthException(ErrorCode.INTERNAL, "the engine could not be built: " + guiceError.getClass().getSimpleName());
        }
    }
    /**
     * Builds a client app: with its own in-process engine (the {@link Builder} methods), or, with
     * {@link #baseUrl(String)} first, as a client of an {@code auth-server}. Not thread-safe.
     */
    public static final class AppBuilder extends Builder<AuthApp> {
        private final String appId;

        private AppBuilder(String appId) {
            super(appId, injector -> injector.getInstance(AuthApp.class));
            this.appId = appId;
        }

        /**
         * Makes the app a client of a server that speaks the MongoDB Atlas App Services client API
         * (Latchkey's {@code auth-server}) instead of running an engine: credentials go to the
         * server, users and sessions live there. Call it right after {@code app(appId)}; the
         * engine's settings (configuration, store, providers) have no place in a client.
         *
         * @param baseUrl the server, for example {@code https://auth.example.com}; plain
         *     {@code http://} only to a loopback address ({@code http://127.0.0.1:8080})
         * @return a builder for the client
         */
        public RemoteBuilder baseUrl(String baseUrl) {
            return new RemoteBuilder(appId, baseUrl);
        }
    }

    /**
     * Builds a client app of an {@code auth-server}, from {@code Latchkey.app(appId).baseUrl(url)}.
     * Not thread-safe.
     *
     * <pre>{@code
     * AuthApp app = Latchkey.app("my-app")
     *         .baseUrl("https://auth.example.com")
     *         .dataDirectory(Path.of("latchkey-data"))     // the session cache; this is the default
     *         .build();
     * User user = app.logIn(Credentials.emailPassword("bob@example.com", password));
     * }</pre>
     *
     * <p>The app is the same {@link AuthApp} as over an in-process engine: the session cache
     * (users, current user and device id survive a restart; {@code currentUser()} answers offline),
     * events, several users. Building sends nothing. Every call made for a user sends its access
     * token (refreshed first when stale); a token the server refuses with 401 is refreshed once
     * (one refresh however many calls were refused at once) and the call tried once more; a refused
     * refresh logs the user out ({@code LOGGED_OUT}, cause {@code SESSION_ENDED}); failed refreshes
     * back off from 1 s to 5 minutes.
     */
    public static final class RemoteBuilder {
        /** How long one exchange with the server may take unless set. */
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

        private final String appId;
        private final String baseUrl;
        private Path dataDirectory = Path.of("latchkey-data");
        private Clock clock = Clock.systemUTC();
        private Duration timeout = DEFAULT_TIMEOUT;

        private RemoteBuilder(String appId, String baseUrl) {
            this.appId = appId;
            this.baseUrl = baseUrl;
        }

        /**
         * Where the session cache lives: {@code <directory>/<appId>/session-cache.json}.
         *
         * @param directory the directory; default {@code latchkey-data}, or null to keep users in memory only
         * @return this builder
         */
        public RemoteBuilder dataDirectory(Path directory) {
            this.dataDirectory = directory;
            return this;
        }

        /**
         * Sets the clock that decides when an access token is stale.
         *
         * @param clock the clock
         * @return this builder
         */
        public RemoteBuilder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Sets the most one exchange with the server may take, connecting and reading the whole
         * answer included; beyond it the call fails with {@code NETWORK}.
         *
         * @param timeout 100 ms - 10 minutes; default {@link #DEFAULT_TIMEOUT}
         * @return this builder
         */
        public RemoteBuilder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * Builds the app. Nothing is sent to the server yet.
         *
         * @return the app; closing it closes its connections
         * @throws AuthException {@link ErrorCode#CONFIGURATION} for a bad app id, base URL or timeout
         */
        public AuthApp build() {
            if (clock == null) {
                throw new AuthException(ErrorCode.CONFIGURATION, "a clock is needed");
            }
            return new DefaultAuthApp(new HttpAuthBackend(appId, baseUrl, timeout, clock), clock, dataDirectory);
        }
    }
}
