package dev.latchkey.testkit;

import com.google.gson.Gson;
import dev.latchkey.api.AuthApp;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.store.InMemoryStore;
import dev.latchkey.core.store.Store;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Latchkey engine with chosen providers and settings, on a {@link TestClock}, for tests.
 * Register it as a JUnit 5 extension (a fresh engine per test), or {@link #start()} and
 * {@link #close()} it yourself.
 *
 * <pre>{@code
 * @RegisterExtension
 * final EngineHarness engine = EngineHarness.builder()
 *         .enable("anon-user")
 *         .enable("api-key")
 *         .build();
 *
 * @Test
 * void logsIn() {
 *     User user = engine.app().logIn(Credentials.anonymous());
 *     engine.clock().advance(Duration.ofMinutes(31));
 *     ...
 * }
 * }</pre>
 */
public final class EngineHarness implements BeforeEachCallback, AfterEachCallback, AutoCloseable {
    private static final Gson GSON = new Gson();

    private final String appId;
    private final String config;
    private final TestClock clock;
    private final List<CredentialProvider> providers;
    private final Supplier<? extends Store> store;
    private final List<Consumer<Latchkey.Builder<AuthService>>> services;
    private final List<AuthApp> clients = new ArrayList<>();
    private AuthService service;
    private AuthApp app;

    private EngineHarness(Builder b) {
        this.appId = b.appId;
        this.config = b.rawConfig != null ? b.rawConfig : b.configJson();
        this.clock = b.clock;
        this.providers = List.copyOf(b.providers);
        this.store = b.store;
        this.services = List.copyOf(b.services);
    }

    /**
     * Starts a harness description.
     *
     * @return a builder: app id {@code "test-app"}, no provider enabled, a new {@link TestClock}
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the engine and its first client app.
     *
     * @return this harness
     */
    public synchronized EngineHarness start() {
        if (service != null) {
            throw new IllegalStateException("the engine is already running");
        }
        Latchkey.Builder<AuthService> builder = Latchkey.service(appId).config(config).clock(clock).store(store.get());
        providers.forEach(builder::provider);
        services.forEach(registration -> registration.accept(builder));
        // Tokens and keys the engine issues are registered for the build-wide secret scan on the way out.
        service = new SecretHarvestingAuthService(builder.build());
        app = newClient();
        return this;
    }

    /**
     * The engine.
     *
     * @return the running engine
     */
    public synchronized AuthService service() {
        requireStarted();
        return service;
    }

    /**
     * The first client app (one device).
     *
     * @return the app
     */
    public synchronized AuthApp app() {
        requireStarted();
        return app;
    }

    /**
     * Another client app over the same engine: another device of the same app.
     *
     * @return a new app; closed with the harness
     */
    public synchronized AuthApp newClient() {
        requireStarted();
        AuthApp client = Latchkey.client(service, clock);
        clients.add(client);
        return client;
    }

    /**
     * Another client app over the same engine that keeps its users in a session cache under a
     * data directory, as an installed app does: a new client over the same directory is that
     * device after a restart. Close the old one first, to restart it (closing waits for its last
     * cache write). The harness's other apps keep their users in memory only and write nothing.
     *
     * @param dataDirectory the device's data directory, e.g. a JUnit {@code @TempDir}
     * @return a new app; closed with the harness
     */
    public synchronized AuthApp newClient(Path dataDirectory) {
        requireStarted();
        AuthApp client = Latchkey.client(service, clock, dataDirectory);
        clients.add(client);
        return client;
    }

    /**
     * The clock the engine and its apps run on.
     *
     * @return the clock
     */
    public TestClock clock() {
        return clock;
    }

    /**
     * The configuration the engine was started with.
     *
     * @return the JSON text
     */
    public String config() {
        return config;
    }

    @Override
    public synchronized void close() {
        clients.forEach(AuthApp::close);
        clients.clear();
        if (service != null) {
            service.close();
        }
        service = null;
        app = null;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    private void requireStarted() {
        if (service == null) {
            throw new IllegalStateException("the engine is not running: register the harness with @RegisterExtension or call start()");
        }
    }

    /** Describes a harness. Not thread-safe. */
    public static final class Builder {
        private String appId = "test-app";
        private TestClock clock = new TestClock();
        private final Map<String, Map<String, Object>> enabled = new LinkedHashMap<>();
        private Map<String, Object> tokens;
        private Map<String, Object> throttle;
        private String rawConfig;
        private final List<CredentialProvider> providers = new ArrayList<>();
        private Supplier<? extends Store> store = InMemoryStore::new;
        private final List<Consumer<Latchkey.Builder<AuthService>>> services = new ArrayList<>();

        private Builder() {
        }

        /**
         * Chooses the store the engine keeps its data in. By default each start gets a new
         * in-memory store, so tests leave nothing behind; pass a JDBC store to run the same test
         * on H2 or PostgreSQL.
         *
         * @param storeFactory makes the store when the engine starts; the engine closes it
         * @return this builder
         */
        public Builder store(Supplier<? extends Store> storeFactory) {
            this.store = Objects.requireNonNull(storeFactory, "storeFactory");
            return this;
        }

        /**
         * Sets the app id.
         *
         * @param id the id
         * @return this builder
         */
        public Builder appId(String id) {
            this.appId = id;
            return this;
        }

        /**
         * Sets the clock.
         *
         * @param testClock the clock
         * @return this builder
         */
        public Builder clock(TestClock testClock) {
            this.clock = testClock;
            return this;
        }

        /**
         * Enables a provider with no settings.
         *
         * @param type the provider type
         * @return this builder
         */
        public Builder enable(String type) {
            return enable(type, Map.of());
        }

        /**
         * Enables a provider with settings.
         *
         * @param type the provider type
         * @param settings its settings, as they would appear in the configuration file
         * @return this builder
         */
        public Builder enable(String type, Map<String, ?> settings) {
            Map<String, Object> section = new LinkedHashMap<>();
            section.put("enabled", true);
            section.putAll(settings);
            enabled.put(type, section);
            return this;
        }

        /**
         * Sets the {@code tokens} section.
         *
         * @param settings for example {@code Map.of("accessTokenTtl", "PT5M")}
         * @return this builder
         */
        public Builder tokens(Map<String, ?> settings) {
            this.tokens = new LinkedHashMap<>(settings);
            return this;
        }

        /**
         * Sets the {@code throttle} section (the engine's log-in throttle).
         *
         * @param settings for example {@code Map.of("enabled", false)} or {@code Map.of("accountFailures", 3)}
         * @return this builder
         */
        public Builder throttle(Map<String, ?> settings) {
            this.throttle = new LinkedHashMap<>(settings);
            return this;
        }

        /**
         * Uses this configuration text instead of the one built from {@link #enable} and {@link #tokens}.
         *
         * @param json the whole configuration
         * @return this builder
         */
        public Builder config(String json) {
            this.rawConfig = json;
            return this;
        }

        /**
         * Adds a provider instance; it replaces a discovered provider of its type.
         *
         * @param provider the provider
         * @return this builder
         */
        public Builder provider(CredentialProvider provider) {
            providers.add(provider);
            return this;
        }

        /**
         * Registers a service for providers, as {@code Latchkey.Builder.service} does (a
         * confirmation function, a mail-failure listener).
         *
         * @param type the type providers ask for
         * @param service the implementation
         * @param <S> the service type
         * @return this builder
         */
        public <S> Builder service(Class<S> type, S service) {
            services.add(builder -> builder.service(type, service));
            return this;
        }

        /**
         * Describes the harness; nothing runs until {@link EngineHarness#start()} (or the first test).
         *
         * @return the harness
         */
        public EngineHarness build() {
            return new EngineHarness(this);
        }

        private String configJson() {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("providers", enabled);
            if (tokens != null) {
                root.put("tokens", tokens);
            }
            if (throttle != null) {
                root.put("throttle", throttle);
            }
            return GSON.toJson(root);
        }
    }
}
