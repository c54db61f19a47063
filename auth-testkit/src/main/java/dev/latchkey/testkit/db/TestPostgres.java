package dev.latchkey.testkit.db;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A PostgreSQL server for tests, and fresh databases on it. {@link #start()} starts a throwaway cluster
 * from this machine's PostgreSQL programs, on a free port of 127.0.0.1, with a random password; or,
 * when {@value #URL_ENV} is set, uses that server instead. {@link #newDatabase()} then creates an empty
 * database with a unique name, so tests never see each other's rows. {@link #close()} stops the
 * cluster and deletes its directory (a JVM shutdown hook does it too, should a test forget).
 *
 * <pre>{@code
 * try (TestPostgres postgres = TestPostgres.start()) {
 *     PostgresDatabase db = postgres.newDatabase();
 *     try (Connection c = db.connect()) { ... }
 * }
 * }</pre>
 *
 * <p>JUnit 5 tests should rather use {@link PostgresExtension}, which shares one server per test JVM.
 *
 * <p>Finding the programs: the directory {@value #BIN_ENV} names, else {@code pg_config --bindir},
 * else the newest {@code /usr/lib/postgresql/<version>/bin}. When the JVM runs as root (which
 * {@code initdb} refuses), the programs run as the {@code postgres} user through {@code runuser}. The
 * cluster runs with {@code fsync}, {@code synchronous_commit} and {@code full_page_writes} off: fast,
 * and fine for data that is deleted anyway; never copy these settings to a real server.
 *
 * <p>Thread-safe: many tests may create databases at once.
 */
public final class TestPostgres implements AutoCloseable {
    /**
     * The environment variable naming an existing server's JDBC URL (for example
     * {@code jdbc:postgresql://db.test:5432/postgres}) to use instead of starting one. Its user must be
     * allowed to {@code CREATE DATABASE}.
     */
    public static final String URL_ENV = "LATCHKEY_TEST_POSTGRES_URL";
    /** The environment variable holding the user for {@value #URL_ENV}; {@code postgres} if unset. */
    public static final String USER_ENV = "LATCHKEY_TEST_POSTGRES_USER";
    /** The environment variable holding the password for {@value #URL_ENV}; empty if unset. */
    public static final String PASSWORD_ENV = "LATCHKEY_TEST_POSTGRES_PASSWORD";
    /** The environment variable naming the directory of {@code initdb} and {@code pg_ctl}. */
    public static final String BIN_ENV = "LATCHKEY_PG_BIN";

    /** Every database this class creates has a name starting so, to spot leftovers on a shared server. */
    public static final String DATABASE_PREFIX = "latchkey_test_";

    private static final String MAINTENANCE_DATABASE = "postgres";

    private final PostgresCluster cluster;
    private final PostgresDatabase maintenance;
    private final Set<String> created = ConcurrentHashMap.newKeySet();
    private final SecureRandom random = new SecureRandom();
    private volatile boolean closed;

    private TestPostgres(PostgresCluster cluster, PostgresDatabase maintenance) {
        this.cluster = cluster;
        this.maintenance = maintenance;
    }

    /**
     * Starts a throwaway server, or uses the one {@value #URL_ENV} names.
     *
     * @return a running server; close it when done
     * @throws IllegalStateException when PostgreSQL is not installed or does not start, saying why and
     *     what to install or set
     */
    public static TestPostgres start() {
        return start(System::getenv);
    }

    /**
     * Like {@link #start()}, reading the environment from {@code env} (tests of this class give a map's
     * {@code get}).
     *
     * @param env the environment variables, by name; {@code null} for an unset one
     * @return a running server; close it when done
     * @throws IllegalStateException when PostgreSQL is not installed or does not start
     */
    public static TestPostgres start(Function<String, String> env) {
        Objects.requireNonNull(env, "env");
        String url = env.apply(URL_ENV);
        if (url != null && !url.isBlank()) {
            return external(url.trim(), orDefault(env.apply(USER_ENV), "postgres"), orDefault(env.apply(PASSWORD_ENV), ""));
        }
        PostgresCluster cluster = PostgresCluster.start(PostgresBinaries.find(env, PostgresBinaries.DEBIAN_ROOT));
        PostgresDatabase maintenance = new PostgresDatabase(
                "jdbc:postgresql://127.0.0.1:" + cluster.port() + "/" + MAINTENANCE_DATABASE,
                PostgresCluster.SUPERUSER, cluster.password());
        return new TestPostgres(cluster, maintenance);
    }

    private static TestPostgres external(String url, String user, String password) {
        PostgresDatabase maintenance;
        try {
            maintenance = new PostgresDatabase(url, user, password);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(URL_ENV + " is not a PostgreSQL JDBC URL: " + e.getMessage(), e);
        }
        try (Connection c = maintenance.connect(); Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the PostgreSQL server " + URL_ENV + " names ("
                    + JdbcUrls.redact(url) + ", user " + user + "): SQLState " + e.getSQLState() + ", "
                    + e.getMessage(), e);
        }
        return new TestPostgres(null, maintenance);
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }

    /**
     * Creates an empty database with a new, unique name ({@value #DATABASE_PREFIX} and 16 random hex
     * digits), owned by the server's user.
     *
     * @return how to reach it
     * @throws IllegalStateException when the server refuses, or after {@link #close()}
     */
    public PostgresDatabase newDatabase() {
        if (closed) {
            throw new IllegalStateException("this TestPostgres is closed");
        }
        byte[] suffix = new byte[8];
        random.nextBytes(suffix);
        String name = DATABASE_PREFIX + HexFormat.of().formatHex(suffix);
        try (Connection c = maintenance.connect(); Statement s = c.createStatement()) {
            // The name is ours (prefix and hex digits), so quoting it is enough.
            s.execute("CREATE DATABASE \"" + name + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name + " on " + this + ": SQLState "
                    + e.getSQLState() + ", " + e.getMessage(), e);
        }
        created.add(name);
        return new PostgresDatabase(JdbcUrls.withDatabase(maintenance.jdbcUrl(), name),
                maintenance.username(), maintenance.password());
    }

    /**
     * The server's maintenance database ({@code postgres}, or the one {@value #URL_ENV} names), as the
     * superuser: for checks across databases, never for a test's own tables.
     *
     * @return how to reach it
     */
    public PostgresDatabase maintenanceDatabase() {
        return maintenance;
    }

    /**
     * Whether this is a server {@value #URL_ENV} names rather than one this object started.
     *
     * @return {@code true} for a server from the environment
     */
    public boolean isExternal() {
        return cluster == null;
    }

    /**
     * Stops the server this object started and deletes its directory; on a server from the
     * environment, drops the databases {@link #newDatabase()} created there instead (best effort,
     * ending their open connections). Idempotent.
     *
     * @throws IllegalStateException when the started server would not stop
     */
    @Override
    public void close() {
        closed = true;
        if (cluster != null) {
            cluster.stop();
        } else {
            dropCreatedDatabases();
        }
    }

    private void dropCreatedDatabases() {
        if (created.isEmpty()) {
            return;
        }
        try (Connection c = maintenance.connect(); Statement s = c.createStatement()) {
            for (String name : Set.copyOf(created)) {
                try {
                    s.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
                    created.remove(name);
                } catch (SQLException e) {
                    // Before PostgreSQL 13 there is no FORCE; a database still in use stays behind,
                    // recognisable by its prefix.
                    try {
                        s.execute("DROP DATABASE IF EXISTS \"" + name + "\"");
                        created.remove(name);
                    } catch (SQLException stillInUse) {
                        // Left for the server's owner.
                    }
                }
            }
        } catch (SQLException e) {
            // The server went away: nothing to drop on it now.
        }
    }

    /** Where the server is and whether this object started it; never the password. */
    @Override
    public String toString() {
        return "TestPostgres[" + (cluster == null ? "from " + URL_ENV : "started") + ", "
                + JdbcUrls.redact(maintenance.jdbcUrl()) + "]";
    }
}
