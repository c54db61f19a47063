package dev.latchkey.core.config;

import java.util.Map;
import java.util.TreeMap;

/**
 * The parsed configuration (see {@link ConfigParser} for the file format).
 *
 * @param providers provider sections by provider type
 * @param tokens token settings
 * @param store store settings
 * @param throttle log-in throttle settings
 */
public record LatchkeyConfig(Map<String, ProviderConfig> providers, TokenSettings tokens, StoreSettings store,
                             ThrottleSettings throttle) {
    /** Nothing configured: no provider enabled, default tokens, store and throttle. */
    public static final LatchkeyConfig DEFAULTS = new LatchkeyConfig(Map.of(), TokenSettings.DEFAULTS, StoreSettings.DEFAULT,
            ThrottleSettings.DEFAULTS);

    /** Copies the providers into a sorted, unmodifiable map. */
    public LatchkeyConfig {
        providers = Map.copyOf(new TreeMap<>(providers));
    }

    /**
     * Whether a provider is enabled.
     *
     * @param type the provider type
     * @return true when its section says {@code "enabled": true}
     */
    public boolean isEnabled(String type) {
        ProviderConfig section = providers.get(type);
        return section != null && section.enabled();
    }

    /**
     * This configuration with another store section.
     *
     * @param newStore the store settings
     * @return the changed copy
     */
    public LatchkeyConfig withStore(StoreSettings newStore) {
        return new LatchkeyConfig(providers, tokens, newStore, throttle);
    }
}
