package dev.latchkey.server;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.core.json.MalformedJsonException;
import dev.latchkey.core.json.StrictJson;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code server} section of the configuration file, and the rest of the file for the engine.
 * The engine refuses keys it does not know, so the server takes its own section out first.
 *
 * <pre>{@code
 * "server": {
 *   "publicUrl": "https://auth.example.com",
 *   "cors": { "allowedOrigins": ["https://app.example.com"] },
 *   "maxBodyBytes": 65536,
 *   "trustedProxies": ["10.0.0.5", "10.1.0.0/16"],
 *   "adminKey": "...",
 *   "rateLimit": { "requestsPerMinute": 600, "burst": 100 }
 * }
 * }</pre>
 *
 * @param publicUrl the URL clients reach the server at (scheme, host, optional port; no path), or null
 * @param allowedOrigins browser origins that may call the API (exact match)
 * @param maxBodyBytes the largest request body accepted
 * @param trustedProxies proxies whose {@code X-Forwarded-For} is believed
 * @param adminKey the key of the admin API ({@link AdminApi}), or null: then the admin routes do not exist
 * @param rateLimits the per-client limits ({@link RateLimits})
 * @param engineJson the configuration without the {@code server} section, for the engine
 */
public record ServerConfig(URI publicUrl, List<String> allowedOrigins, int maxBodyBytes, TrustedProxies trustedProxies,
                           String adminKey, RateLimits rateLimits, String engineJson) {
    /** The default largest request body: 64 KiB. */
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
    static final int MIN_MAX_BODY_BYTES = 1024;
    static final int MAX_MAX_BODY_BYTES = 16 * 1024 * 1024;
    static final int MIN_ADMIN_KEY_LENGTH = 32;

    private static final Set<String> SERVER_KEYS = Set.of("publicUrl", "cors", "maxBodyBytes", "trustedProxies", "adminKey",
            "rateLimit");
    private static final Set<String> CORS_KEYS = Set.of("allowedOrigins");

    /** What the server runs with when no configuration file is given. */
    static final String DEFAULT_ENGINE_JSON = """
            { "providers": { "anon-user": { "enabled": true },
                             "local-userpass": { "enabled": true, "autoConfirm": true } } }
            """;

    /** Copies the lists. */
    public ServerConfig {
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    /**
     * The configuration used when no file is given: anonymous and email/password (auto-confirmed).
     *
     * @return the defaults
     */
    public static ServerConfig defaults() {
        return new ServerConfig(null, List.of(), DEFAULT_MAX_BODY_BYTES, TrustedProxies.NONE, null, RateLimits.DEFAULTS,
                DEFAULT_ENGINE_JSON);
    }

    /**
     * Splits a configuration file's text into the server's section and the engine's rest.
     *
     * @param json the whole configuration
     * @return the server settings, with the engine's JSON
     * @throws AuthException {@link ErrorCode#CONFIGURATION} naming the key that is wrong
     */
    public static ServerConfig parse(String json) {
        JsonObject root;
        try {
            root = StrictJson.parseObject(json);
        } catch (MalformedJsonException e) {
            throw error("the configuration is not valid JSON: " + e.getMessage());
        }
        JsonElement section = root.remove("server");
        if (section == null) {
            return new ServerConfig(null, List.of(), DEFAULT_MAX_BODY_BYTES, TrustedProxies.NONE, null, RateLimits.DEFAULTS,
                    root.toString());
        }
        if (!section.isJsonObject()) {
            throw error("server: expected an object");
        }
        JsonObject server = section.getAsJsonObject();
        checkKeys(server, "server", SERVER_KEYS);
        return new ServerConfig(publicUrl(server.get("publicUrl")), origins(server.get("cors")),
                maxBodyBytes(server.get("maxBodyBytes")), proxies(server.get("trustedProxies")),
                adminKey(server.get("adminKey")), RateLimits.parse(server.get("rateLimit")), root.toString());
    }

    private static URI publicUrl(JsonElement value) {
        if (value == null) {
            return null;
        }
        String text = string(value, "server.publicUrl");
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw error("server.publicUrl: not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean bare = (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/"))
                && uri.getQuery() == null && uri.getFragment() == null && uri.getUserInfo() == null;
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || !bare) {
            throw error("server.publicUrl: expected http(s)://host[:port] with no path, query or user info");
        }
        return URI.create(scheme + "://" + uri.getRawAuthority());
    }

    private static List<String> origins(JsonElement value) {
        if (value == null) {
            return List.of();
        }
        if (!value.isJsonObject()) {
            throw error("server.cors: expected an object such as {\"allowedOrigins\": [\"https://app.example.com\"]}");
        }
        checkKeys(value.getAsJsonObject(), "server.cors", CORS_KEYS);
        JsonElement list = value.getAsJsonObject().get("allowedOrigins");
        if (list == null) {
            return List.of();
        }
        Set<String> origins = new LinkedHashSet<>();
        for (String origin : strings(list, "server.cors.allowedOrigins")) {
            if (origin.equals("*") || origin.equals("null")) {
                // A wildcard or the opaque origin would let any page (or a sandboxed one) call with a user's token.
                throw error("server.cors.allowedOrigins: list each origin; '*' and 'null' are refused");
            }
            URI uri;
            try {
                uri = new URI(origin);
            } catch (URISyntaxException e) {
                throw error("server.cors.allowedOrigins: not an origin: " + printable(origin));
            }
            boolean isOrigin = uri.getScheme() != null && uri.getHost() != null
                    && (uri.getRawPath() == null || uri.getRawPath().isEmpty()) && uri.getRawQuery() == null
                    && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
            if (!isOrigin) {
                throw error("server.cors.allowedOrigins: an origin is scheme://host[:port], without a path or a trailing '/': "
                        + printable(origin));
            }
            origins.add(origin);
        }
        return List.copyOf(origins);
    }

    private static int maxBodyBytes(JsonElement value) {
        if (value == null) {
            return DEFAULT_MAX_BODY_BYTES;
        }
        long n;
        try {
            if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
                throw new NumberFormatException();
            }
            n = value.getAsJsonPrimitive().getAsBigDecimal().longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw error("server.maxBodyBytes: expected a whole number");
        }
        if (n < MIN_MAX_BODY_BYTES || n > MAX_MAX_BODY_BYTES) {
            throw error("server.maxBodyBytes: expected " + MIN_MAX_BODY_BYTES + " to " + MAX_MAX_BODY_BYTES);
        }
        return (int) n;
    }

    private static TrustedProxies proxies(JsonElement value) {
        if (value == null) {
            return TrustedProxies.NONE;
        }
        try {
            return TrustedProxies.parse(strings(value, "server.trustedProxies"));
        } catch (IllegalArgumentException e) {
            throw error("server.trustedProxies: " + e.getMessage());
        }
    }

    private static String adminKey(JsonElement value) {
        if (value == null) {
            return null;
        }
        String key = string(value, "server.adminKey");
        if (key.length() < MIN_ADMIN_KEY_LENGTH || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            // Never echo the key: the message says what is wrong with it, not what it is.
            throw error("server.adminKey: expected at least " + MIN_ADMIN_KEY_LENGTH + " printable ASCII characters");
        }
        return key;
    }

    static void checkKeys(JsonObject object, String path, Set<String> known) {
        Set<String> unknown = new TreeSet<>();
        for (String key : object.keySet()) {
            if (!known.contains(key)) {
                unknown.add(printable(key));
            }
        }
        if (!unknown.isEmpty()) {
            throw error(path + ": unknown key" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
                    + " (known: " + String.join(", ", new TreeSet<>(known)) + ")");
        }
    }

    private static String string(JsonElement value, String path) {
        if (value instanceof JsonPrimitive p && p.isString() && !p.getAsString().isBlank()) {
            return p.getAsString().strip();
        }
        throw error(path + ": expected a non-blank string");
    }

    private static List<String> strings(JsonElement value, String path) {
        if (!(value instanceof JsonArray array)) {
            throw error(path + ": expected a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonElement e : array) {
            out.add(string(e, path + "[]"));
        }
        return out;
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return s.length() > 80 ? sb + "..." : sb.toString();
    }

    private static AuthException error(String message) {
        return new AuthException(ErrorCode.CONFIGURATION, message);
    }

    /** Hides the admin key and the engine's JSON, which may hold a database password or client secrets. */
    @Override
    public String toString() {
        return "ServerConfig[publicUrl=" + publicUrl + ", allowedOrigins=" + allowedOrigins + ", maxBodyBytes=" + maxBodyBytes
                + ", trustedProxies=" + trustedProxies + ", adminKey=" + (adminKey == null ? "none" : "(set)") + ", rateLimits=" + rateLimits
                + "]";
    }
}
