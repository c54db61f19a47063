package dev.latchkey.testkit.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;

/**
 * How to reach one PostgreSQL database that a test owns: hand these three values to a connection pool
 * or a store, or call {@link #connect()}. {@link #toString()} never shows the password, so a database
 * may be logged or appear in a test's display name.
 *
 * @param jdbcUrl a {@code jdbc:postgresql:} URL naming the database
 * @param username a role that owns everything in it (on a server {@link TestPostgres} started, the
 *     cluster's superuser)
 * @param password that role's password
 */
public record PostgresDatabase(String jdbcUrl, String username, String password) {
    /**
     * Checks the values.
     *
     * @throws NullPointerException when one is missing
     * @throws IllegalArgumentException when the URL is not a PostgreSQL JDBC URL
     */
    public PostgresDatabase {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (!jdbcUrl.startsWith(JdbcUrls.PREFIX)) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL (it must start with " + JdbcUrls.PREFIX
                    + "): " + JdbcUrls.redact(jdbcUrl));
        }
    }

    /**
     * The database's name, as the URL gives it.
     *
     * @return the name, empty when the URL names none (the server then picks the user's name)
     */
    public String name() {
        return JdbcUrls.databaseOf(jdbcUrl);
    }

    /**
     * Opens a new connection as {@link #username()}. The caller closes it.
     *
     * @return an open connection, in auto-commit mode
     * @throws SQLException when the server refuses or cannot be reached
     */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", username);
        props.setProperty("password", password);
        return DriverManager.getConnection(jdbcUrl, props);
    }

    /**
     * The URL and user name, with the password replaced by {@code <hidden>} (also a {@code password}
     * parameter inside the URL).
     */
    @Override
    public String toString() {
        return "PostgresDatabase[jdbcUrl=" + JdbcUrls.redact(jdbcUrl) + ", username=" + username
                + ", password=<hidden>]";
    }
}
