package dev.latchkey.testkit.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineTestKit;

@ExtendWith(PostgresExtension.class)
class PostgresExtensionTest {
    private static PostgresDatabase classDatabase;

    private final PostgresDatabase constructorDatabase;

    PostgresExtensionTest(PostgresDatabase constructorDatabase) {
        this.constructorDatabase = constructorDatabase;
    }

    @BeforeAll
    static void createSharedTable(PostgresDatabase db) throws SQLException {
        classDatabase = db;
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE shared (id int PRIMARY KEY)");
        }
    }

    @Test
    void aTableWrittenOverJdbcReadsBack(PostgresDatabase db) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE users (id text PRIMARY KEY, name text NOT NULL)");
            s.execute("INSERT INTO users VALUES ('u1', 'Zoë')");
        }

        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT name FROM users WHERE id = 'u1'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("Zoë");
        }
    }

    @Test
    void everyParameterIsANewEmptyDatabase(PostgresDatabase first, PostgresDatabase second) throws SQLException {
        assertThat(first.name()).startsWith(TestPostgres.DATABASE_PREFIX);
        assertThat(new String[] {first.name(), second.name(), constructorDatabase.name(), classDatabase.name()})
                .doesNotHaveDuplicates();
        assertThat(tables(first)).isEmpty();
        assertThat(tables(constructorDatabase)).isEmpty();
    }

    @Test
    void aTableInOneDatabaseIsInvisibleInAnother(PostgresDatabase other) throws SQLException {
        try (Connection c = classDatabase.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO shared VALUES (1) ON CONFLICT DO NOTHING");
        }

        assertThat(tables(classDatabase)).containsExactly("shared");
        assertThat(tables(other)).isEmpty();
    }

    @Test
    void oneServerServesTheWholeJvm(TestPostgres server, PostgresDatabase db) {
        assertThat(db.jdbcUrl()).startsWith(JdbcUrls.withDatabase(server.maintenanceDatabase().jdbcUrl(), ""));
        assertThat(constructorDatabase.jdbcUrl()).startsWith(JdbcUrls.withDatabase(server.maintenanceDatabase().jdbcUrl(), ""));
    }

    @Test
    void theServerStopsWhenTheTestRunEnds() {
        OneRun.seen.set(null);

        EngineTestKit.engine("junit-jupiter")
                .configurationParameter(OneRun.KEY, "true")
                .selectors(DiscoverySelectors.selectClass(OneRun.class))
                .execute()
                .testEvents()
                .assertStatistics(stats -> stats.succeeded(1));

        TestPostgres serverOfThatRun = OneRun.seen.get();
        assertThat(serverOfThatRun).isNotNull();
        assertThatThrownBy(serverOfThatRun::newDatabase).hasMessageContaining("closed");
    }

    /** A test run of its own (through EngineTestKit), whose root store must close its server. */
    @ExtendWith({PostgresExtension.class, OneRun.OnlyThroughEngineTestKit.class})
    static class OneRun {
        static final String KEY = "latchkey.testkit.db.oneRun";
        static final AtomicReference<TestPostgres> seen = new AtomicReference<>();

        @Test
        void usesTheServer(TestPostgres server, PostgresDatabase db) throws SQLException {
            seen.set(server);
            assertThat(tables(db)).isEmpty();
        }

        static final class OnlyThroughEngineTestKit implements ExecutionCondition {
            @Override
            public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
                return context.getConfigurationParameter(KEY).isPresent()
                        ? ConditionEvaluationResult.enabled("launched by theServerStopsWhenTheTestRunEnds")
                        : ConditionEvaluationResult.disabled("runs only through EngineTestKit");
            }
        }
    }

    static List<String> tables(PostgresDatabase db) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
