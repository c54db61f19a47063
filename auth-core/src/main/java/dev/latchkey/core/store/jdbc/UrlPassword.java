package dev.latchkey.core.store.jdbc;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.core.config.StoreSettings;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Moves a password written into a JDBC URL ({@code ?password=} for PostgreSQL, {@code ;PASSWORD=}
 * for H2) into the settings, so the URL that drivers and the pool log carries no secret.
 */
final class UrlPassword {
    private UrlPassword() {
    }

    static StoreSettings extract(StoreSettings settings) {
        String url = settings.jdbcUrl();
        String lower = url.toLowerCase(Locale.ROOT);
        Split split;
        if (lower.startsWith("jdbc:h2:")) {
            split = split(url, ';', ';', false);
        } else {
            int query = url.indexOf('?');
            split = query < 0 ? new Split(url, null) : split(url, '?', '&', true);
        }
        if (split.password() == null) {
            return settings;
        }
        if (settings.password() != null) {
            throw new AuthException(ErrorCode.CONFIGURATION,
                    "store: the password is given twice, in store.jdbcUrl and in store.password; give it once, in store.password");
        }
        return new StoreSettings(split.url(), settings.username(), split.password(), settings.maxPoolSize());
    }

    private record Split(String url, String password) {
    }

    /** Splits the parameters after the first {@code start} character, dropping the password parameter. */
    private static Split split(String url, char start, char separator, boolean percentEncoded) {
        int at = url.indexOf(start);
        if (at < 0) {
            return new Split(url, null);
        }
        String password = null;
        List<String> kept = new ArrayList<>();
        for (String parameter : url.substring(at + 1).split(java.util.regex.Pattern.quote(String.valueOf(separator)), -1)) {
            int eq = parameter.indexOf('=');
            String name = eq < 0 ? parameter : parameter.substring(0, eq);
            if (name.trim().equalsIgnoreCase("password")) {
                String value = eq < 0 ? "" : parameter.substring(eq + 1);
                password = percentEncoded ? URLDecoder.decode(value, StandardCharsets.UTF_8) : value;
            } else if (!parameter.isEmpty()) {
                kept.add(parameter);
            }
        }
        String base = url.substring(0, at);
        String rest = String.join(String.valueOf(separator), kept);
        return new Split(rest.isEmpty() ? base : base + start + rest, password);
    }
}
