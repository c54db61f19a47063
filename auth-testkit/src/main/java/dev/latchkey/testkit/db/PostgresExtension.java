package dev.latchkey.testkit.db;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives JUnit 5 tests PostgreSQL databases: every parameter of type {@link PostgresDatabase} (of a test
 * method, a constructor, a {@code @BeforeAll} or {@code @BeforeEach} method...) receives a new, empty
 * database, on one server shared by the whole test JVM. A parameter of type {@link TestPostgres}
 * receives that server itself.
 *
 * <pre>{@code
 * @ExtendWith(PostgresExtension.class)
 * class JdbcStoreTest {
 *     @Test
 *     void keepsWhatItWrites(PostgresDatabase db) throws SQLException {
 *         try (Connection c = db.connect()) { ... }
 *     }
 * }
 * }</pre>
 *
 * <p>The server is started on first use (see {@link TestPostgres#start()} for how, and for the
 * environment variables that change it) and kept in the root {@link ExtensionContext.Store}, which
 * closes it when the test run ends, as JUnit closes every {@link AutoCloseable} it stores (unless
 * {@code junit.jupiter.extensions.store.close.autocloseable.enabled} is set to {@code false}; the
 * server's shutdown hook still stops it then). If it fails to start, every test asking for a database
 * fails with the same message.
 */
public final class PostgresExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PostgresExtension.class);

    /** Used by JUnit through {@code @ExtendWith}. */
    public PostgresExtension() {
    }

    /**
     * The server shared by every test of this JVM, started on first call.
     *
     * @param context any extension context of the run
     * @return the running server
     * @throws IllegalStateException when PostgreSQL is not installed or does not start
     */
    public static TestPostgres server(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(TestPostgres.class, key -> TestPostgres.start(), TestPostgres.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == PostgresDatabase.class || type == TestPostgres.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        TestPostgres server = server(context);
        return parameter.getParameter().getType() == TestPostgres.class ? server : server.newDatabase();
    }
}
