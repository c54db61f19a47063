package dev.latchkey.core.config;

/**
 * Where users and sessions are kept. All null means the default store.
 *
 * @param jdbcUrl the database's JDBC URL, or null
 * @param username the database user, or null
 * @param password the database password, or null; never shown by {@link #toString()}
 */
public record StoreSettings(String jdbcUrl, String username, String password) {
    /** No store configured: the default. */
    public static final StoreSettings DEFAULT = new StoreSettings(null, null, null);

    /** Hides the password. */
    @Override
    public String toString() {
        return "StoreSettings[jdbcUrl=" + jdbcUrl + ", username=" + username
                + ", password=" + (password == null ? "null" : "(hidden)") + "]";
    }
}
