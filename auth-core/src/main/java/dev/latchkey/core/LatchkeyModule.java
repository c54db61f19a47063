package dev.latchkey.core;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.latchkey.api.AuthApp;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.core.client.DefaultAuthApp;
import dev.latchkey.core.config.LatchkeyConfig;
import dev.latchkey.core.config.ThrottleSettings;
import dev.latchkey.core.config.TokenSettings;
import dev.latchkey.core.engine.DefaultAuthService;
import dev.latchkey.core.store.Store;
import dev.latchkey.core.token.SessionEndingStore;
import dev.latchkey.core.token.VerifiedTokenCache;
import dev.latchkey.core.store.jdbc.JdbcStores;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;

/**
 * The Guice module for applications that use Guice: install it and inject {@link AuthService}
 * or {@link AuthApp}. {@link Latchkey}'s builders build the same graph for everyone else.
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(new LatchkeyModule(
 *         LatchkeyOptions.builder("my-app").config(Path.of("latchkey.json")).build()));
 * AuthApp app = injector.getInstance(AuthApp.class);
 * }</pre>
 */
public final class LatchkeyModule extends AbstractModule {
    private final LatchkeyOptions options;

    /**
     * A module for an app.
     *
     * @param options what to build the engine from
     */
    public LatchkeyModule(LatchkeyOptions options) {
        if (options == null) {
            throw new AuthException(ErrorCode.CONFIGURATION, "the options must not be null");
        }
        this.options = options;
    }

    @Override
    protected void configure() {
        bind(LatchkeyOptions.class).toInstance(options);
        bind(LatchkeyConfig.class).toInstance(options.config());
        bind(TokenSettings.class).toInstance(options.config().tokens());
        bind(ThrottleSettings.class).toInstance(options.config().throttle());
        bind(Clock.class).toInstance(options.clock());
        bind(AuthService.class).to(DefaultAuthService.class);
    }

    @Provides
    @Singleton
    Store store(VerifiedTokenCache verifiedTokens) {
        Store store = options.store() != null
                ? options.store()
                : JdbcStores.open(options.config().store(), options.dataDirectory(), options.appId());
        // Everything in the engine sees the store through this, so every write that ends sessions
        // also drops their remembered access tokens.
        return new SessionEndingStore(store, verifiedTokens);
    }

    @Provides
    @Singleton
    SecureRandom secureRandom() {
        return new SecureRandom();
    }

    @Provides
    @Singleton
    AuthApp authApp(AuthService service, Clock clock) {
        // The app keeps its users in the session cache under the data directory, for offline starts.
        return new DefaultAuthApp(service, true, clock, options.dataDirectory());
    }
}
