package dev.latchkey.core.engine;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.core.LatchkeyOptions;
import dev.latchkey.core.config.LatchkeyConfig;
import dev.latchkey.core.config.ProviderConfig;
import dev.latchkey.core.store.Store;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.URL;
import java.security.CodeSource;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Finds providers with {@link ServiceLoader}, checks the configuration against them, and starts
 * the enabled ones. Start-up fails, with {@link ErrorCode#CONFIGURATION}, when two jars claim one
 * type, when the configuration names a type no jar provides, or when a provider refuses its
 * settings.
 */
@Singleton
public final class ProviderRegistry {
    private static final System.Logger LOG = System.getLogger(ProviderRegistry.class.getName());

    /** Where the providers this project ships live, so a missing one can be named precisely. */
    private static final Map<String, String> ARTIFACTS = Map.of(
            ProviderTypes.ANONYMOUS, "dev.latchkey:auth-core",
            ProviderTypes.API_KEY, "dev.latchkey:auth-core",
            ProviderTypes.EMAIL_PASSWORD, "dev.latchkey:provider-email",
            ProviderTypes.GOOGLE, "dev.latchkey:provider-oauth",
            ProviderTypes.FACEBOOK, "dev.latchkey:provider-oauth",
            ProviderTypes.APPLE, "dev.latchkey:provider-oauth",
            ProviderTypes.CUSTOM_TOKEN, "dev.latchkey:provider-custom",
            ProviderTypes.CUSTOM_FUNCTION, "dev.latchkey:provider-custom");

    private final Map<String, CredentialProvider> available;
    private final Map<String, CredentialProvider> enabled;

    /**
     * Discovers, checks and starts the providers.
     *
     * @param options the app's options (explicit providers)
     * @param config the configuration
     * @param store the store (each provider gets its namespace)
     * @param clock the engine's clock
     * @param services the shared services
     */
    @Inject
    public ProviderRegistry(LatchkeyOptions options, LatchkeyConfig config, Store store, Clock clock, EngineServices services) {
        this.available = discover(options);
        checkConfiguredTypesExist(config);
        SettingsBinder binder = new SettingsBinder();
        Map<String, CredentialProvider> started = new LinkedHashMap<>();
        for (Map.Entry<String, ProviderConfig> e : new TreeMap<>(config.providers()).entrySet()) {
            if (!e.getValue().enabled()) {
                continue;
            }
            String type = e.getKey();
            CredentialProvider provider = available.get(type);
            DefaultProviderContext context = new DefaultProviderContext(options.appId(), type, e.getValue().settings(),
                    binder, clock, store, services);
            start(type, provider, context);
            if (context.hasUnreadSettings()) {
                throw new AuthException(ErrorCode.CONFIGURATION, "providers." + type + ": the provider takes no settings, but got "
                        + new TreeSet<>(context.settings().keySet()));
            }
            started.put(type, provider);
        }
        this.enabled = Map.copyOf(started);
        LOG.log(System.Logger.Level.INFO, "providers on the class path: {0}; enabled: {1}",
                new TreeSet<>(available.keySet()), new TreeSet<>(enabled.keySet()));
    }

    /**
     * The enabled provider of a type.
     *
     * @param type the provider type
     * @return the started provider
     * @throws AuthException {@link ErrorCode#PROVIDER_NOT_FOUND} when no jar provides the type,
     *     {@link ErrorCode#PROVIDER_DISABLED} when it is not enabled
     */
    public CredentialProvider enabled(String type) {
        CredentialProvider provider = enabled.get(type);
        if (provider != null) {
            return provider;
        }
        if (available.containsKey(type)) {
            throw new AuthException(ErrorCode.PROVIDER_DISABLED, "provider '" + type + "' is on the class path but not enabled:"
                    + " set \"providers\": {\"" + type + "\": {\"enabled\": true}} in the configuration");
        }
        throw new AuthException(ErrorCode.PROVIDER_NOT_FOUND, notFoundMessage(type));
    }

    /**
     * An enabled provider of a type, if any, without failing.
     *
     * @param type the provider type
     * @return the provider, or empty
     */
    public Optional<CredentialProvider> findEnabled(String type) {
        return Optional.ofNullable(enabled.get(type));
    }

    private static void start(String type, CredentialProvider provider, DefaultProviderContext context) {
        try {
            provider.start(context);
        } catch (AuthException e) {
            String message = e.getMessage().startsWith("providers." + type)
                    ? e.getMessage() : "providers." + type + ": " + e.getMessage();
            throw new AuthException(ErrorCode.CONFIGURATION, message);
        } catch (RuntimeException e) {
            // Not the exception's message: a provider's bug may have put a setting's value in it.
            throw new AuthException(ErrorCode.CONFIGURATION, "providers." + type + ": the provider failed to start with "
                    + e.getClass().getName() + "; this is a bug in " + provider.getClass().getName());
        }
    }

    private void checkConfiguredTypesExist(LatchkeyConfig config) {
        for (Map.Entry<String, ProviderConfig> e : config.providers().entrySet()) {
            if (!available.containsKey(e.getKey())) {
                throw new AuthException(ErrorCode.CONFIGURATION, "providers." + e.getKey() + ": " + notFoundMessage(e.getKey()));
            }
        }
    }

    private String notFoundMessage(String type) {
        String artifact = ARTIFACTS.get(type);
        String fix = artifact != null ? "add the Maven artifact " + artifact + " to the application"
                : "add the jar that provides it (a CredentialProvider registered with @AutoService)";
        return "no provider of type '" + type + "' is on the class path: " + fix + " (found: " + new TreeSet<>(available.keySet()) + ")";
    }

    private static Map<String, CredentialProvider> discover(LatchkeyOptions options) {
        Map<String, CredentialProvider> found = new HashMap<>();
        try {
            for (CredentialProvider provider : ServiceLoader.load(CredentialProvider.class, classLoader())) {
                String type = checkedType(provider);
                CredentialProvider other = found.putIfAbsent(type, provider);
                if (other != null) {
                    throw new AuthException(ErrorCode.CONFIGURATION, "two providers claim type '" + type + "': "
                            + describe(other) + " and " + describe(provider) + "; remove one of the jars");
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new AuthException(ErrorCode.CONFIGURATION, "a provider on the class path cannot be loaded: " + e.getMessage());
        }
        Map<String, CredentialProvider> explicit = new HashMap<>();
        for (CredentialProvider provider : options.providers()) {
            String type = checkedType(provider);
            if (explicit.putIfAbsent(type, provider) != null) {
                throw new AuthException(ErrorCode.CONFIGURATION, "two providers of type '" + type + "' were added in code");
            }
        }
        found.putAll(explicit);
        return Map.copyOf(found);
    }

    private static String checkedType(CredentialProvider provider) {
        String type;
        try {
            type = provider.type();
        } catch (RuntimeException e) {
            throw new AuthException(ErrorCode.CONFIGURATION, provider.getClass().getName() + ".type() failed: " + e.getClass().getName());
        }
        if (!ProviderTypes.isWellFormed(type)) {
            throw new AuthException(ErrorCode.CONFIGURATION, provider.getClass().getName()
                    + " has a provider type that is not 1-64 characters of a-z, 0-9 and '-'");
        }
        return type;
    }

    private static String describe(CredentialProvider provider) {
        CodeSource source = provider.getClass().getProtectionDomain().getCodeSource();
        URL location = source == null ? null : source.getLocation();
        return provider.getClass().getName() + " (from " + (location == null ? "an unknown location" : location) + ")";
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : ProviderRegistry.class.getClassLoader();
    }
}
