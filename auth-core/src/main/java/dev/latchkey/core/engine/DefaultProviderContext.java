package dev.latchkey.core.engine;

import com.google.gson.JsonObject;
import dev.latchkey.api.spi.ProviderContext;
import dev.latchkey.api.spi.ProviderStore;
import dev.latchkey.core.store.Store;
import java.time.Clock;
import java.util.Optional;

/** One provider's view of the engine. */
final class DefaultProviderContext implements ProviderContext {
    private final String appId;
    private final String providerType;
    private final JsonObject settings;
    private final SettingsBinder binder;
    private final Clock clock;
    private final ProviderStore documents;
    private final Store store;
    private final EngineServices services;
    private volatile boolean settingsRead;

    DefaultProviderContext(String appId, String providerType, JsonObject settings, SettingsBinder binder, Clock clock,
                           Store store, EngineServices services) {
        this.appId = appId;
        this.providerType = providerType;
        this.settings = settings;
        this.binder = binder;
        this.clock = clock;
        this.store = store;
        this.documents = store.documents(providerType);
        this.services = services;
    }

    @Override
    public String appId() {
        return appId;
    }

    @Override
    public String providerType() {
        return providerType;
    }

    @Override
    public <T> T settings(Class<T> type) {
        settingsRead = true;
        return binder.bind(providerType, settings, type);
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public ProviderStore store() {
        return documents;
    }

    @Override
    public <T> T service(Class<T> type) {
        return services.get(type);
    }

    @Override
    public <T> Optional<T> optionalService(Class<T> type) {
        return services.find(type);
    }

    @Override
    public int endSessions(String subject) {
        return store.deleteSessionsOfIdentity(providerType, subject);
    }

    /** Whether the provider's section holds settings that nobody read: a typo the operator must hear about. */
    boolean hasUnreadSettings() {
        return !settingsRead && !settings.keySet().isEmpty();
    }

    JsonObject settings() {
        return settings;
    }
}
