package dev.latchkey.benchmarks;

import com.google.gson.JsonObject;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Session;
import dev.latchkey.api.UserInfo;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.store.InMemoryStore;
import dev.latchkey.core.token.Secrets;
import dev.latchkey.testkit.db.PostgresDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One engine on one store holding a given number of existing users, plus the refresh tokens of
 * sessions opened before measuring. Built once per run and measured many times.
 */
final class Fixture implements AutoCloseable {
    static final String APP_ID = "bench";
    /** Same options as the engine's embedded default (JdbcStores.H2_OPTIONS), so we open the same database the same way. */
    private static final String H2_OPTIONS = ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000";

    final StoreKind kind;
    final int users;
    final AuthService engine;
    final String[] refreshTokens;
    /** Time to insert the users (and, for JDBC stores, to VACUUM/ANALYZE), and how it was done. */
    final Duration populateTime;
    final Duration sessionsTime;
    final String databaseVersion;
    /** The database, for {@link StoreKind#POSTGRESQL}; else null. */
    final PostgresDatabase postgres;
    /** EXPLAIN ANALYZE of the log-in and refresh statements (Markdown), for the JDBC stores; else null. */
    final String queryPlans;
    /** The H2 data file, for {@link StoreKind#H2}; else null. */
    final Path h2File;
    /** The database's size on disk once the fixture was built, in bytes (-1 in memory). */
    final long initialBytes;

    private Fixture(StoreKind kind, int users, AuthService engine, String[] refreshTokens, Duration populateTime,
                    Duration sessionsTime, String databaseVersion, PostgresDatabase postgres, String queryPlans, Path h2File) {
        this.kind = kind;
        this.users = users;
        this.engine = engine;
        this.refreshTokens = refreshTokens;
        this.populateTime = populateTime;
        this.sessionsTime = sessionsTime;
        this.databaseVersion = databaseVersion;
        this.postgres = postgres;
        this.queryPlans = queryPlans;
        this.h2File = h2File;
        this.initialBytes = sizeOnDisk();
    }

    /** The size of the database on disk now, in bytes: H2's file, PostgreSQL's pg_database_size; -1 in memory or unknown. */
    long sizeOnDisk() {
        try {
            if (h2File != null) {
                return Files.size(h2File);
            }
            if (postgres != null) {
                try (Connection c = postgres.connect(); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT pg_database_size(current_database())")) {
                    return rs.next() ? rs.getLong(1) : -1;
                }
            }
        } catch (IOException | SQLException e) {
            Progress.say("size of %s unknown: %s", name(), e);
        }
        return -1;
    }

    String name() {
        return kind.label() + " / " + String.format("%,d", users) + " users";
    }

    /**
     * Builds the engine, fills its store and opens {@code sessions} sessions.
     *
     * @param postgres the database to use for {@link StoreKind#POSTGRESQL}, else null
     */
    static Fixture open(StoreKind kind, int users, int sessions, int poolSize, Path dataDirectory, PostgresDatabase postgres,
                        String h2ExtraOptions) throws Exception {
        Progress.say("%s / %,d users: populating", kind.label(), users);
        Instant now = Instant.now();
        long t0 = System.nanoTime();
        AuthService engine;
        String version;
        String h2Url = null;
        switch (kind) {
            case MEMORY -> {
                InMemoryStore store = new InMemoryStore();
                Population.fill(store, users, now);
                engine = builder(config(null, poolSize), dataDirectory).store(store).build();
                version = "-";
            }
            case H2 -> {
                h2Url = "jdbc:h2:file:" + dataDirectory.toAbsolutePath().normalize().resolve(APP_ID).resolve("store") + H2_OPTIONS
                        + h2ExtraOptions;
                // The default (no store section) is what is measured; --h2-options names the same file explicitly.
                String store = h2ExtraOptions.isEmpty() ? null : jdbcSection(h2Url, null, null, poolSize);
                // The engine creates the database and migrates its schema, then lets go of the file.
                builder(config(store, poolSize), dataDirectory).build().close();
                try (Connection c = DriverManager.getConnection(h2Url, "", "")) {
                    Population.fill(c, users, now);
                    Population.analyze(c, kind);
                    version = "H2 " + c.getMetaData().getDatabaseProductVersion()
                            + (h2ExtraOptions.isEmpty() ? "" : ", URL options added: " + h2ExtraOptions);
                }
                engine = builder(config(store, poolSize), dataDirectory).build();
            }
            case POSTGRESQL -> {
                String store = storeSection(postgres, poolSize);
                builder(config(store, poolSize), dataDirectory).build().close();
                Properties props = new Properties();
                props.setProperty("user", postgres.username());
                props.setProperty("password", postgres.password());
                props.setProperty("reWriteBatchedInserts", "true");
                try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), props)) {
                    Population.fill(c, users, now);
                    Population.analyze(c, kind);
                    version = c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion();
                }
                engine = builder(config(store, poolSize), dataDirectory).build();
            }
            default -> throw new AssertionError(kind);
        }
        Duration populated = Duration.ofNanos(System.nanoTime() - t0);
        Progress.say("%s / %,d users: populated in %.1f s", kind.label(), users, populated.toMillis() / 1000.0);
        try {
            verify(engine, users);
            long t1 = System.nanoTime();
            String[] tokens = openSessions(engine, users, sessions);
            if (kind == StoreKind.POSTGRESQL) {
                try (Connection c = postgres.connect()) {
                    Population.analyze(c, kind);
                }
            }
            Duration opened = Duration.ofNanos(System.nanoTime() - t1);
            Progress.say("%s / %,d users: %,d sessions opened in %.1f s", kind.label(), users, sessions, opened.toMillis() / 1000.0);
            String plans = null;
            if (kind != StoreKind.MEMORY) {
                // H2 in embedded mode lets a second connection of the same JVM share the open database.
                try (Connection c = kind == StoreKind.H2 ? DriverManager.getConnection(h2Url, "", "") : postgres.connect()) {
                    plans = QueryPlans.explain(c, kind, users / 3, Secrets.sha256(tokens[0]));
                }
            }
            Path h2File = kind == StoreKind.H2 ? dataDirectory.resolve(APP_ID).resolve("store.mv.db") : null;
            return new Fixture(kind, users, engine, tokens, populated, opened, version, postgres, plans, h2File);
        } catch (Exception | Error e) {
            engine.close();
            throw e;
        }
    }

    private static Latchkey.Builder<AuthService> builder(String config, Path dataDirectory) {
        return Latchkey.service(APP_ID).config(config).dataDirectory(dataDirectory).provider(new BenchIdp());
    }

    private static String config(String storeSection, int poolSize) {
        return "{\"providers\": {\"anon-user\": {\"enabled\": true}, \"" + BenchIdp.TYPE + "\": {\"enabled\": true}}"
                + (storeSection == null ? "" : ", \"store\": " + storeSection) + "}";
    }

    private static String storeSection(PostgresDatabase db, int poolSize) {
        return jdbcSection(db.jdbcUrl(), db.username(), db.password(), poolSize);
    }

    private static String jdbcSection(String url, String username, String password, int poolSize) {
        JsonObject store = new JsonObject();
        store.addProperty("jdbcUrl", url);
        if (username != null) {
            store.addProperty("username", username);
            store.addProperty("password", password);
        }
        store.addProperty("maxPoolSize", poolSize);
        return store.toString();
    }

    /** The bulk-inserted rows must read back through the engine as the users the store would have written. */
    private static void verify(AuthService engine, int users) {
        SplittableRandom random = new SplittableRandom(7);
        List<Integer> probes = new ArrayList<>(List.of(0, users - 1));
        for (int k = 0; k < 8; k++) {
            probes.add(random.nextInt(users));
        }
        for (int i : probes) {
            UserInfo user = engine.findUserByIdentity(BenchIdp.TYPE, Users.subject(i))
                    .orElseThrow(() -> new IllegalStateException("populated user " + i + " not found through the engine"));
            if (!user.id().equals(Users.userId(i)) || user.identities().size() != 1 || user.disabled()) {
                throw new IllegalStateException("populated user " + i + " reads back wrong: " + user.id());
            }
        }
        Session s = engine.logIn(BenchIdp.as(Users.subject(users / 2)), "bench-verify");
        if (!s.user().id().equals(Users.userId(users / 2))) {
            throw new IllegalStateException("a log-in as populated user " + users / 2 + " made a new user");
        }
        engine.logOut(s.refreshToken());
    }

    /** Logs in random existing users through the engine (two threads) and keeps their refresh tokens. */
    private static String[] openSessions(AuthService engine, int users, int sessions) throws InterruptedException {
        String[] tokens = new String[sessions];
        AtomicInteger next = new AtomicInteger();
        Thread[] threads = new Thread[2];
        RuntimeException[] failure = new RuntimeException[1];
        for (int t = 0; t < threads.length; t++) {
            SplittableRandom random = new SplittableRandom(1000 + t);
            String device = "bench-setup-" + t;
            threads[t] = new Thread(() -> {
                try {
                    for (int i = next.getAndIncrement(); i < sessions; i = next.getAndIncrement()) {
                        tokens[i] = engine.logIn(BenchIdp.as(Users.subject(random.nextInt(users))), device).refreshToken();
                    }
                } catch (RuntimeException e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
            }, "bench-setup-" + t);
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return tokens;
    }

    @Override
    public void close() {
        engine.close();
    }
}
