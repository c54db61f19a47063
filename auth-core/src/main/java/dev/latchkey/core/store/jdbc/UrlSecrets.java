package dev.latchkey.core.store.jdbc;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.core.config.StoreSettings;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Takes the secrets out of a JDBC URL — {@code password}, and any parameter whose name ends in
 * "password" such as PostgreSQL's {@code sslpassword} — so the URL that drivers and the pool log
 * carries none. The password moves to the settings, the others become driver properties.
 */
final class UrlSecrets {
    private UrlSecrets() {
    }

    /**
     * The URL without its secrets, and the secrets.
     *
     * @param settings the settings, with the URL as configured
     * @param properties the secret parameters other than {@code password}, to pass to the driver
     */
    record Split(StoreSettings settings, Map<String, String> properties) {
    }

    static Split split(StoreSettings settings) {
        String url = settings.jdbcUrl();
        boolean h2 = url.toLowerCase(Locale.ROOT).startsWith("jdbc:h2:");
        char start = h2 ? ';' : '?';
        char separator = h2 ? ';' : '&';
        int at = url.indexOf(start);
        if (at < 0) {
            return new Split(settings, Map.of());
        }
        String password = null;
        Map<String, String> secrets = new LinkedHashMap<>();
        List<String> kept = new ArrayList<>();
        for (String parameter : url.substring(at + 1).split(Pattern.quote(String.valueOf(separator)), -1)) {
            int eq = parameter.indexOf('=');
            String name = (eq < 0 ? parameter : parameter.substring(0, eq)).trim();
            if (!name.toLowerCase(Locale.ROOT).endsWith("password")) {
                if (!parameter.isEmpty()) {
                    kept.add(parameter);
                }
                continue;
            }
            String value = eq < 0 ? "" : decode(parameter.substring(eq + 1), !h2, name);
            if (name.equalsIgnoreCase("password")) {
                password = value;
            } else {
                secrets.put(name, value);
            }
        }
        if (password != null && settings.password() != null) {
            throw new AuthException(ErrorCode.CONFIGURATION,
                    "store: the password is given twice, in store.jdbcUrl and in store.password; give it once, in store.password");
        }
        String rest = String.join(String.valueOf(separator), kept);
        String cleanUrl = rest.isEmpty() ? url.substring(0, at) : url.substring(0, at) + start + rest;
        return new Split(new StoreSettings(cleanUrl, settings.username(), password != null ? password : settings.password(),
                settings.maxPoolSize()), Map.copyOf(secrets));
    }

    private static String decode(String value, boolean percentEncoded, String name) {
        if (!percentEncoded) {
            return value;
        }
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // The decoder's message quotes the value: say only which parameter is wrong.
            throw new AuthException(ErrorCode.CONFIGURATION, "store.jdbcUrl: the " + name + " parameter is not valid URL encoding");
        }
    }
}
