package dev.latchkey.core.config;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;

/**
 * Where users and sessions are kept. No JDBC URL means the default: an embedded H2 database in
 * the data directory.
 *
 * @param jdbcUrl the database's JDBC URL ({@code jdbc:postgresql:...} or {@code jdbc:h2:...}), or null
 * @param username the database user, or null
 * @param password the database password, or null; never shown by {@link #toString()}
 * @param maxPoolSize the most connections the engine keeps open to the database
 */
public record StoreSettings(String jdbcUrl, String username, String password, int maxPoolSize) {
    /** Connections kept by default: enough for a 2-8 core server; PostgreSQL's default limit is 100 in all. */
    public static final int DEFAULT_POOL_SIZE = 10;
    /** The most connections one engine may keep. */
    public static final int MAX_POOL_SIZE = 200;
    /** No store configured: the default. */
    public static final StoreSettings DEFAULT = new StoreSettings(null, null, null, DEFAULT_POOL_SIZE);

    /** Checks the pool size. */
    public StoreSettings {
        if (maxPoolSize < 1 || maxPoolSize > MAX_POOL_SIZE) {
            throw new AuthException(ErrorCode.CONFIGURATION, "store.maxPoolSize: expected a whole number from 1 to " + MAX_POOL_SIZE);
        }
    }

    /**
     * The JDBC URL fit to show: without its parameters, which may carry a password
     * ({@code ?password=...} for PostgreSQL, {@code ;PASSWORD=...} for H2).
     *
     * @return the shown URL, or null when there is none
     */
    public String shownJdbcUrl() {
        if (jdbcUrl == null) {
            return null;
        }
        int cut = jdbcUrl.length();
        for (char c : new char[] {'?', ';', '&'}) {
            int at = jdbcUrl.indexOf(c);
            if (at >= 0 && at < cut) {
                cut = at;
            }
        }
        String base = jdbcUrl.substring(0, cut);
        // user:password@host in the authority is not JDBC syntax for PostgreSQL, but hide it all the same.
        int at = base.lastIndexOf('@');
        if (at >= 0) {
            int start = base.indexOf("//");
            base = base.substring(0, start >= 0 && start < at ? start + 2 : 0) + "(hidden)@" + base.substring(at + 1);
        }
        return cut < jdbcUrl.length() ? base + jdbcUrl.charAt(cut) + "(parameters hidden)" : base;
    }

    /** Hides the password and the URL's parameters. */
    @Override
    public String toString() {
        return "StoreSettings[jdbcUrl=" + shownJdbcUrl() + ", username=" + username
                + ", password=" + (password == null ? "null" : "(hidden)") + ", maxPoolSize=" + maxPoolSize + "]";
    }
}
