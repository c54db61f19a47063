package dev.latchkey.core.config;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.core.json.MalformedJsonException;
import dev.latchkey.core.json.StrictJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the configuration file of DESIGN.md §2. Every key is optional; an unknown key, a value of
 * the wrong type or out of range fails with {@link ErrorCode#CONFIGURATION} and a message that
 * names the key by its path ({@code tokens.accessTokenTtl}).
 *
 * <pre>{@code
 * {
 *   "providers": { "anon-user": { "enabled": true }, "api-key": { "enabled": true } },
 *   "tokens": { "accessTokenTtl": "PT30M", "refreshTokenTtl": "P60D", "signingKeyRotation": "P90D",
 *               "clockSkew": "PT30S", "issuer": "https://auth.example.com",
 *               "verifiedCacheSize": 10000, "sessionRecheck": "PT5S" },
 *   "store": { "jdbcUrl": "jdbc:postgresql://db/latchkey", "username": "...", "password": "..." },
 *   "throttle": { "enabled": true, "accountFailures": 10, "accountWindow": "PT15M",
 *                 "sourceFailures": 100, "sourceWindow": "PT1H", "maxEntries": 100000 }
 * }
 * }</pre>
 */
public final class ConfigParser {
    /** The largest configuration accepted, in characters. */
    public static final int MAX_CONFIG_LENGTH = 1 << 20;

    private static final Set<String> TOP_KEYS = Set.of("providers", "tokens", "store", "throttle");
    private static final Set<String> TOKEN_KEYS =
            Set.of("accessTokenTtl", "refreshTokenTtl", "refreshTokenRotation", "signingKeyRotation", "clockSkew", "issuer",
                    "verifiedCacheSize", "sessionRecheck");
    private static final Set<String> STORE_KEYS = Set.of("jdbcUrl", "username", "password", "maxPoolSize");
    private static final Set<String> THROTTLE_KEYS =
            Set.of("enabled", "accountFailures", "accountWindow", "sourceFailures", "sourceWindow", "maxEntries");

    private ConfigParser() {
    }

    /**
     * Reads a configuration file (UTF-8 JSON).
     *
     * @param file the file
     * @return the configuration
     * @throws AuthException {@link ErrorCode#CONFIGURATION} when it cannot be read or is invalid
     */
    public static LatchkeyConfig read(Path file) {
        try {
            if (Files.size(file) > MAX_CONFIG_LENGTH) {
                throw configError(file + " is larger than " + MAX_CONFIG_LENGTH + " bytes");
            }
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw configError("configuration file not found: " + file);
        } catch (IOException e) {
            throw configError("cannot read configuration file " + file + ": " + e.getClass().getSimpleName());
        }
    }

    /**
     * Parses configuration JSON.
     *
     * @param json the configuration
     * @return the configuration
     * @throws AuthException {@link ErrorCode#CONFIGURATION} when it is invalid
     */
    public static LatchkeyConfig parse(String json) {
        if (json == null) {
            throw configError("no configuration given (null)");
        }
        if (json.length() > MAX_CONFIG_LENGTH) {
            throw configError("the configuration is longer than " + MAX_CONFIG_LENGTH + " characters");
        }
        JsonObject root;
        try {
            root = StrictJson.parseObject(json);
        } catch (MalformedJsonException e) {
            throw configError("the configuration is not valid JSON: " + e.getMessage());
        }
        checkKeys(root, "", TOP_KEYS);
        Map<String, ProviderConfig> providers = providers(object(root, "providers", ""));
        TokenSettings tokens = tokens(object(root, "tokens", ""));
        StoreSettings store = store(object(root, "store", ""));
        ThrottleSettings throttle = throttle(object(root, "throttle", ""));
        return new LatchkeyConfig(providers, tokens, store, throttle);
    }

    private static Map<String, ProviderConfig> providers(JsonObject section) {
        Map<String, ProviderConfig> providers = new HashMap<>();
        if (section == null) {
            return providers;
        }
        for (Map.Entry<String, JsonElement> e : section.entrySet()) {
            String type = e.getKey();
            String path = "providers." + type;
            if (!ProviderTypes.isWellFormed(type)) {
                throw configError(path + ": a provider type is 1-64 characters of a-z, 0-9 and '-', starting with a letter");
            }
            if (!e.getValue().isJsonObject()) {
                throw configError(path + ": expected an object such as {\"enabled\": true}");
            }
            JsonObject settings = e.getValue().getAsJsonObject().deepCopy();
            boolean enabled = false;
            JsonElement flag = settings.remove("enabled");
            if (flag != null) {
                if (!isBoolean(flag)) {
                    throw configError(path + ".enabled: expected true or false");
                }
                enabled = flag.getAsBoolean();
            }
            providers.put(type, new ProviderConfig(enabled, settings));
        }
        return providers;
    }

    private static TokenSettings tokens(JsonObject section) {
        TokenSettings d = TokenSettings.DEFAULTS;
        if (section == null) {
            return d;
        }
        checkKeys(section, "tokens", TOKEN_KEYS);
        JsonElement rotation = section.get("refreshTokenRotation");
        if (rotation != null) {
            if (!isBoolean(rotation)) {
                throw configError("tokens.refreshTokenRotation: expected true or false");
            }
            if (rotation.getAsBoolean()) {
                // Refused rather than ignored: an operator who asks for rotation must not believe they have it.
                throw configError("tokens.refreshTokenRotation: refresh-token rotation is not available in this"
                        + " version; remove the key or set it to false");
            }
        }
        return new TokenSettings(
                duration(section, "tokens", "accessTokenTtl", d.accessTokenTtl(), TokenSettings.MIN_ACCESS_TTL, TokenSettings.MAX_ACCESS_TTL),
                duration(section, "tokens", "refreshTokenTtl", d.refreshTokenTtl(), TokenSettings.MIN_REFRESH_TTL, TokenSettings.MAX_REFRESH_TTL),
                duration(section, "tokens", "signingKeyRotation", d.signingKeyRotation(), TokenSettings.MIN_KEY_ROTATION, Duration.ofDays(3650)),
                duration(section, "tokens", "clockSkew", d.clockSkew(), Duration.ZERO, TokenSettings.MAX_SKEW),
                nonBlankString(section, "tokens", "issuer"),
                wholeNumber(section, "tokens", "verifiedCacheSize", d.verifiedCacheSize(), 0, TokenSettings.MAX_VERIFIED_CACHE_SIZE),
                duration(section, "tokens", "sessionRecheck", d.sessionRecheck(), Duration.ZERO, TokenSettings.MAX_SESSION_RECHECK));
    }

    private static StoreSettings store(JsonObject section) {
        if (section == null) {
            return StoreSettings.DEFAULT;
        }
        checkKeys(section, "store", STORE_KEYS);
        return new StoreSettings(nonBlankString(section, "store", "jdbcUrl"), nonBlankString(section, "store", "username"),
                string(section, "store", "password"),
                wholeNumber(section, "store", "maxPoolSize", StoreSettings.DEFAULT_POOL_SIZE, 1, StoreSettings.MAX_POOL_SIZE));
    }

    private static ThrottleSettings throttle(JsonObject section) {
        ThrottleSettings d = ThrottleSettings.DEFAULTS;
        if (section == null) {
            return d;
        }
        checkKeys(section, "throttle", THROTTLE_KEYS);
        boolean enabled = d.enabled();
        JsonElement flag = section.get("enabled");
        if (flag != null && !flag.isJsonNull()) {
            if (!isBoolean(flag)) {
                throw configError("throttle.enabled: expected true or false");
            }
            enabled = flag.getAsBoolean();
        }
        return new ThrottleSettings(enabled,
                wholeNumber(section, "throttle", "accountFailures", d.accountFailures(),
                        ThrottleSettings.MIN_FAILURES, ThrottleSettings.MAX_FAILURES),
                duration(section, "throttle", "accountWindow", d.accountWindow(), ThrottleSettings.MIN_WINDOW,
                        ThrottleSettings.MAX_WINDOW),
                wholeNumber(section, "throttle", "sourceFailures", d.sourceFailures(),
                        ThrottleSettings.MIN_FAILURES, ThrottleSettings.MAX_FAILURES),
                duration(section, "throttle", "sourceWindow", d.sourceWindow(), ThrottleSettings.MIN_WINDOW,
                        ThrottleSettings.MAX_WINDOW),
                wholeNumber(section, "throttle", "maxEntries", d.maxEntries(),
                        ThrottleSettings.MIN_ENTRIES, ThrottleSettings.MAX_ENTRIES));
    }

    private static int wholeNumber(JsonObject section, String sectionPath, String key, int fallback, int min, int max) {
        JsonElement value = section.get(key);
        if (value == null || value.isJsonNull()) {
            return fallback;
        }
        String error = sectionPath + "." + key + ": expected a whole number from " + min + " to " + max;
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
            throw configError(error);
        }
        try {
            int number = value.getAsBigDecimal().intValueExact();
            if (number < min || number > max) {
                throw configError(error);
            }
            return number;
        } catch (ArithmeticException | NumberFormatException e) {
            throw configError(error);
        }
    }

    private static Duration duration(JsonObject section, String sectionPath, String key, Duration fallback, Duration min,
                                     Duration max) {
        String path = sectionPath + "." + key;
        String text = string(section, sectionPath, key);
        if (text == null) {
            return fallback;
        }
        Duration value;
        try {
            value = Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw configError(path + ": '" + abbreviate(text) + "' is not an ISO-8601 duration such as PT30M or P60D");
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw configError(path + ": " + value + " is out of range " + min + " to " + max);
        }
        return value;
    }

    private static String nonBlankString(JsonObject section, String sectionPath, String key) {
        String value = string(section, sectionPath, key);
        if (value != null && value.isBlank()) {
            throw configError(sectionPath + "." + key + ": must not be blank");
        }
        return value;
    }

    private static String string(JsonObject section, String sectionPath, String key) {
        JsonElement value = section.get(key);
        if (value == null || value.isJsonNull()) {
            return null;
        }
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw configError(sectionPath + "." + key + ": expected a string");
        }
        return value.getAsString();
    }

    private static JsonObject object(JsonObject parent, String key, String parentPath) {
        JsonElement value = parent.get(key);
        if (value == null || value.isJsonNull()) {
            return null;
        }
        if (!value.isJsonObject()) {
            throw configError(join(parentPath, key) + ": expected an object");
        }
        return value.getAsJsonObject();
    }

    private static void checkKeys(JsonObject object, String path, Set<String> known) {
        Set<String> unknown = new TreeSet<>(object.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            String where = path.isEmpty() ? "the configuration" : path;
            throw configError(where + ": unknown key" + (unknown.size() > 1 ? "s " : " ") + unknown
                    + " (known: " + new TreeSet<>(known) + ")");
        }
    }

    private static boolean isBoolean(JsonElement e) {
        return e.isJsonPrimitive() && ((JsonPrimitive) e).isBoolean();
    }

    private static String join(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    static AuthException configError(String message) {
        return new AuthException(ErrorCode.CONFIGURATION, message);
    }
}
