package dev.latchkey.core.config;

import com.google.gson.JsonObject;

/**
 * One provider's section of the configuration.
 *
 * @param enabled whether the provider may be used
 * @param settings the section without {@code "enabled"}: the provider's own settings
 */
public record ProviderConfig(boolean enabled, JsonObject settings) {
    /** Keeps a private copy of the settings, which Gson would let anyone change. */
    public ProviderConfig {
        settings = settings == null ? new JsonObject() : settings.deepCopy();
    }

    /**
     * The provider's settings.
     *
     * @return a copy, so callers cannot change the configuration
     */
    @Override
    public JsonObject settings() {
        return settings.deepCopy();
    }
}
