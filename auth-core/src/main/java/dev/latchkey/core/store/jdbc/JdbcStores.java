package dev.latchkey.core.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.core.config.StoreSettings;
import dev.latchkey.core.files.PrivateFiles;
import dev.latchkey.core.text.Printable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Opens the JDBC store: the embedded H2 default under the data directory, or the database a
 * JDBC URL names. Opening connects (so a wrong URL or password fails at start-up, not at the
 * first log-in) and brings the schema up to date with Flyway; engines starting together on one
 * PostgreSQL database are safe, as Flyway takes a database lock to migrate.
 */
public final class JdbcStores {
    /** The H2 file, under {@code <data directory>/<app id>/}. */
    static final String H2_FILE = "store";
    /**
     * WRITE_DELAY=0: H2 writes each commit before the commit returns, so a log-in that returned
     * survives the process being killed (by default H2 batches commits for up to half a second).
     * DB_CLOSE_ON_EXIT=FALSE: the engine closes the database itself, after its last use, instead of
     * H2's shutdown hook closing it under running work.
     */
    static final String H2_OPTIONS = ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000";

    /** H2's error code for a database file locked by another process. */
    private static final int H2_DATABASE_IN_USE = 90020;
    /** What to do about a data directory another process has open. */
    private static final String IN_USE_HINT = ". Another process has this data directory open: run one process per data directory,"
            + " or share users between instances through PostgreSQL (store.jdbcUrl)";

    private JdbcStores() {
    }

    /**
     * Opens the store.
     *
     * @param settings the store section of the configuration
     * @param dataDirectory the app's data directory, for the embedded default
     * @param appId the app, which names the embedded database's directory and the pool
     * @return the store, migrated and connected
     * @throws AuthException {@link ErrorCode#CONFIGURATION} when the database is not supported,
     *     cannot be reached, refuses the credentials, or its schema cannot be migrated
     */
    public static JdbcStore open(StoreSettings settings, Path dataDirectory, String appId) {
        // A password inside the URL would reach every log line that shows the URL (the PostgreSQL
        // driver logs it at FINE): take secrets out and hand them to the driver as properties.
        UrlSecrets.Split split = settings.jdbcUrl() != null ? UrlSecrets.split(settings) : new UrlSecrets.Split(settings, Map.of());
        settings = split.settings();
        Path embeddedDirectory = settings.jdbcUrl() == null ? embeddedDirectory(dataDirectory, appId) : null;
        String url = settings.jdbcUrl() != null ? settings.jdbcUrl() : embeddedUrl(embeddedDirectory);
        String shownUrl = settings.jdbcUrl() != null ? settings.shownJdbcUrl() : url;
        if (embeddedDirectory != null) {
            // Before H2 opens it: after a crash, H2's own open can miss commits that had returned.
            H2Recovery.recoverIfNotClosedCleanly(embeddedDirectory.resolve(H2_FILE + ".mv.db"));
        }
        Dialect dialect = Dialect.of(url).orElseThrow(() -> new AuthException(ErrorCode.CONFIGURATION,
                "store.jdbcUrl: '" + Printable.cut(shownUrl, 80) + "' is not a database Latchkey supports"
                        + " (jdbc:postgresql:... or jdbc:h2:...)"));

        HikariConfig config = new HikariConfig();
        config.setPoolName("latchkey-" + appId);
        config.setJdbcUrl(url);
        config.setUsername(settings.username());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(settings.maxPoolSize());
        config.setAutoCommit(false);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        config.setConnectionTimeout(10_000);
        split.properties().forEach(config::addDataSourceProperty);
        if (dialect == Dialect.POSTGRESQL) {
            // A server that vanishes without a reset must not hang calls for ever, nor a stuck
            // lock hold a pool connection; the URL may set other values (it wins over these).
            config.addDataSourceProperty("connectTimeout", "10");
            config.addDataSourceProperty("socketTimeout", "60");
            config.addDataSourceProperty("tcpKeepAlive", "true");
            config.setConnectionInitSql("SET lock_timeout = '10s'");
        }
        // Connect once now: fail at start-up with a clear message rather than at the first log-in.
        config.setInitializationFailTimeout(1);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new AuthException(ErrorCode.CONFIGURATION, "store: cannot connect to " + Printable.cut(shownUrl, 120)
                    + ": " + reason(e, settings.password()) + hint(e));
        }
        try {
            migrate(pool, dialect);
            if (embeddedDirectory != null) {
                restrictDatabaseFiles(embeddedDirectory);
            }
            return new JdbcStore(new Database(pool, dialect), pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * The embedded default's directory, {@code <data directory>/<app id>}: created owner-only, or
     * checked to be a real directory of ours (not a link) and made owner-only. It holds the
     * private signing keys.
     */
    private static Path embeddedDirectory(Path dataDirectory, String appId) {
        Path directory = dataDirectory.toAbsolutePath().normalize().resolve(appId);
        if (directory.toString().indexOf(';') >= 0) {
            // H2 reads ';' in a URL as the start of its settings.
            throw new AuthException(ErrorCode.CONFIGURATION, "the data directory's path must not contain ';'");
        }
        try {
            new PrivateFiles(directory).createDirectory(directory);
        } catch (IOException e) {
            throw new AuthException(ErrorCode.CONFIGURATION, "the data directory cannot hold the store: "
                    + Printable.cut(String.valueOf(e.getMessage()), 300));
        }
        return directory;
    }

    /**
     * The embedded default's URL.
     *
     * @param directory the app's directory under the data directory
     * @return the H2 URL
     */
    static String embeddedUrl(Path directory) {
        return "jdbc:h2:file:" + directory.resolve(H2_FILE) + H2_OPTIONS;
    }

    /** H2 makes its files with the umask's permissions; the keys in them are for our eyes only. */
    private static void restrictDatabaseFiles(Path directory) {
        PrivateFiles files = new PrivateFiles(directory);
        try (DirectoryStream<Path> stored = Files.newDirectoryStream(directory, H2_FILE + ".*")) {
            for (Path file : stored) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    files.restrict(file);
                }
            }
        } catch (IOException e) {
            throw new AuthException(ErrorCode.CONFIGURATION, "the store's files cannot be made owner-only: "
                    + e.getClass().getSimpleName());
        }
    }

    private static void migrate(HikariDataSource pool, Dialect dialect) {
        try {
            Flyway.configure()
                    .dataSource(pool)
                    // A database that already holds other tables (ours are all latchkey_*): record
                    // version 0 and run our migrations on top, rather than refuse a non-empty schema.
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .locations(dialect.migrations())
                    .table("latchkey_schema_history")
                    .loggers("org.flywaydb.core.internal.logging.javautil.JavaUtilLogCreator")
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new AuthException(ErrorCode.CONFIGURATION, "store: the database schema could not be brought up to date: "
                    + Printable.cut(String.valueOf(e.getMessage()), 300));
        }
    }

    /** What to do about the common failures. */
    private static String hint(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getErrorCode() == H2_DATABASE_IN_USE) {
                return IN_USE_HINT;
            }
            if (t instanceof SQLException s && "28P01".equals(s.getSQLState())) {
                return ". Check store.username and store.password";
            }
        }
        return "";
    }

    /** Why connecting failed, from the innermost cause, bounded, printable and with the password blanked out. */
    private static String reason(Throwable e, String password) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        if (password != null && !password.isEmpty()) {
            message = message.replace(password, "(hidden)");
        }
        String state = root instanceof SQLException s && s.getSQLState() != null ? " (SQL state " + s.getSQLState() + ")" : "";
        return Printable.cut(message, 300) + state;
    }
}
