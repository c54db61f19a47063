package dev.latchkey.core;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.core.config.ConfigParser;
import dev.latchkey.core.config.LatchkeyConfig;
import dev.latchkey.core.config.StoreSettings;
import dev.latchkey.core.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything an engine is built from. Made by {@link Latchkey}'s builders, or by
 * {@link #builder(String)} for {@link LatchkeyModule}.
 *
 * @param appId the app's id (1-64 letters, digits, '_', '-' or '.')
 * @param config the parsed configuration
 * @param clock the clock for every time-dependent decision
 * @param dataDirectory where the embedded store and the session cache live
 * @param providers providers added in code; each replaces a discovered provider of its type
 * @param store the store to use, or null for the default
 * @param services services the application registered for its providers, by the type they are looked up as
 */
public record LatchkeyOptions(String appId, LatchkeyConfig config, Clock clock, Path dataDirectory,
                              List<CredentialProvider> providers, Store store, Map<Class<?>, Object> services) {
    private static final Pattern APP_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    /** What the engine offers providers itself (EngineServices); named so that okhttp need not be loaded here. */
    private static final Set<String> ENGINE_SERVICES = Set.of("okhttp3.OkHttpClient",
            "java.util.concurrent.ScheduledExecutorService", "java.util.concurrent.ExecutorService", "java.security.SecureRandom");

    /** Checks the app id and copies the provider list. */
    public LatchkeyOptions {
        if (appId == null || !APP_ID.matcher(appId).matches() || appId.equals(".") || appId.equals("..")) {
            // The id names the app's directory under the data directory: "." and ".." would name another.
            throw new AuthException(ErrorCode.CONFIGURATION, "an app id is 1-64 letters, digits, '_', '-' or '.', and not '.' or '..'");
        }
        providers = List.copyOf(providers);
        services = Map.copyOf(services);
    }

    /**
     * Starts options for an app.
     *
     * @param appId the app's id
     * @return a builder with the defaults: no provider enabled, system clock, data in {@code latchkey-data}
     */
    public static Builder builder(String appId) {
        return new Builder(appId);
    }

    /** Builds {@link LatchkeyOptions}. Not thread-safe. */
    public static final class Builder {
        private final String appId;
        private LatchkeyConfig config = LatchkeyConfig.DEFAULTS;
        private Clock clock = Clock.systemUTC();
        private Path dataDirectory = Path.of("latchkey-data");
        private final List<CredentialProvider> providers = new ArrayList<>();
        private Store store;
        private StoreSettings database;
        private final Map<Class<?>, Object> services = new LinkedHashMap<>();

        private Builder(String appId) {
            this.appId = appId;
        }

        /**
         * Reads the configuration from a JSON file.
         *
         * @param file the file
         * @return this builder
         * @throws AuthException {@link ErrorCode#CONFIGURATION} when the file is missing or invalid
         */
        public Builder config(Path file) {
            this.config = ConfigParser.read(file);
            return this;
        }

        /**
         * Takes the configuration as JSON text.
         *
         * @param json the configuration
         * @return this builder
         * @throws AuthException {@link ErrorCode#CONFIGURATION} when it is invalid
         */
        public Builder config(String json) {
            this.config = ConfigParser.parse(json);
            return this;
        }

        /**
         * Sets the clock.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = require(clock, "clock");
            return this;
        }

        /**
         * Sets the data directory.
         *
         * @param directory the directory
         * @return this builder
         */
        public Builder dataDirectory(Path directory) {
            this.dataDirectory = require(directory, "data directory");
            return this;
        }

        /**
         * Adds a provider instance, for providers built in code rather than found on the class
         * path; it replaces a discovered provider of the same type. It still has to be enabled
         * in the configuration.
         *
         * @param provider the provider
         * @return this builder
         */
        public Builder provider(CredentialProvider provider) {
            this.providers.add(require(provider, "provider"));
            return this;
        }

        /**
         * Registers a service for providers, which look it up by type through
         * {@link dev.latchkey.api.spi.ProviderContext#service(Class)}: for example the email
         * provider's confirmation function or mail-failure listener.
         *
         * @param type the type providers ask for (usually an interface of the provider's jar)
         * @param service the implementation
         * @param <S> the service type
         * @return this builder
         * @throws AuthException {@link ErrorCode#CONFIGURATION} when the type is registered twice,
         *     is one the engine itself offers, or the service is not of the type
         */
        public <S> Builder service(Class<S> type, S service) {
            require(type, "service type");
            require(service, "service");
            if (!type.isInstance(service)) {
                throw new AuthException(ErrorCode.CONFIGURATION, "the service registered as " + type.getName() + " is not one");
            }
            if (ENGINE_SERVICES.contains(type.getName())) {
                throw new AuthException(ErrorCode.CONFIGURATION, "the engine provides " + type.getName() + " itself; it cannot be replaced");
            }
            if (services.putIfAbsent(type, service) != null) {
                throw new AuthException(ErrorCode.CONFIGURATION, "a service of type " + type.getName() + " was registered twice");
            }
            return this;
        }

        /**
         * Uses a specific store instead of the default.
         *
         * @param store the store; the engine closes it when it closes
         * @return this builder
         */
        public Builder store(Store store) {
            this.store = require(store, "store");
            return this;
        }

        /**
         * Keeps users in a database instead of the embedded default: the same as a {@code store}
         * section in the configuration, which this replaces.
         *
         * @param jdbcUrl {@code jdbc:postgresql://host:port/database} (or {@code jdbc:h2:...})
         * @param username the database user
         * @param password the database password; never logged or shown
         * @return this builder
         */
        public Builder database(String jdbcUrl, String username, String password) {
            if (jdbcUrl == null || jdbcUrl.isBlank()) {
                throw new AuthException(ErrorCode.CONFIGURATION, "the database's JDBC URL must not be blank");
            }
            this.database = new StoreSettings(jdbcUrl, username, password, StoreSettings.DEFAULT_POOL_SIZE);
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public LatchkeyOptions build() {
            LatchkeyConfig effective = database == null ? config
                    : config.withStore(new StoreSettings(database.jdbcUrl(), database.username(), database.password(),
                            config.store().maxPoolSize()));
            return new LatchkeyOptions(appId, effective, clock, dataDirectory, providers, store, services);
        }

        private static <T> T require(T value, String what) {
            if (value == null) {
                throw new AuthException(ErrorCode.CONFIGURATION, "the " + what + " must not be null");
            }
            return value;
        }
    }
}
