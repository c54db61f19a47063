package dev.latchkey.testkit.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link TestPostgres#URL_ENV}: a server named by the environment is used instead of starting one. The
 * environment is a map here; the "external" server is the one the extension started.
 */
@ExtendWith(PostgresExtension.class)
class ExternalServerTest {
    @Test
    void aServerFromTheEnvironmentIsUsedAndNothingIsStarted(TestPostgres running) throws SQLException {
        PostgresDatabase admin = running.maintenanceDatabase();
        Map<String, String> env = Map.of(
                TestPostgres.URL_ENV, admin.jdbcUrl(),
                TestPostgres.USER_ENV, admin.username(),
                TestPostgres.PASSWORD_ENV, admin.password(),
                // Proves no cluster is started: starting one would fail on this.
                TestPostgres.BIN_ENV, "/nonexistent");

        try (TestPostgres external = TestPostgres.start(env::get)) {
            assertThat(external.isExternal()).isTrue();
            assertThat(external.toString()).contains(TestPostgres.URL_ENV).doesNotContain(admin.password());
            PostgresDatabase db = external.newDatabase();

            assertThat(db.jdbcUrl()).isEqualTo(JdbcUrls.withDatabase(admin.jdbcUrl(), db.name()));
            assertThat(PostgresExtensionTest.tables(db)).isEmpty();
            assertThat(exists(admin, db.name())).isTrue();
        }
    }

    @Test
    void closingDropsTheDatabasesItCreatedThereEvenWhenInUse(TestPostgres running) throws SQLException {
        PostgresDatabase admin = running.maintenanceDatabase();
        TestPostgres external = TestPostgres.start(Map.of(
                TestPostgres.URL_ENV, admin.jdbcUrl(),
                TestPostgres.USER_ENV, admin.username(),
                TestPostgres.PASSWORD_ENV, admin.password())::get);
        PostgresDatabase db = external.newDatabase();

        try (Connection stillOpen = db.connect()) {
            assertThat(stillOpen.isValid(5)).isTrue();

            external.close();

            assertThat(stillOpen.isValid(5)).as("the drop ended this connection").isFalse();
        }

        assertThat(exists(admin, db.name())).isFalse();
        assertThat(running.newDatabase()).isNotNull();
    }

    @Test
    void anUnreachableServerFailsAtStartWithoutShowingThePassword() {
        Map<String, String> env = Map.of(
                TestPostgres.URL_ENV, "jdbc:postgresql://127.0.0.1:1/postgres?connectTimeout=2",
                TestPostgres.USER_ENV, "someone",
                TestPostgres.PASSWORD_ENV, "s3cret-pass-word");

        assertThatThrownBy(() -> TestPostgres.start(env::get))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(TestPostgres.URL_ENV)
                .hasMessageContaining("127.0.0.1:1")
                .hasMessageNotContaining("s3cret-pass-word");
    }

    @Test
    void aUrlThatIsNotPostgresIsRefusedClearly() {
        assertThatThrownBy(() -> TestPostgres.start(Map.of(TestPostgres.URL_ENV, "jdbc:h2:mem:x")::get))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(TestPostgres.URL_ENV)
                .hasMessageContaining("jdbc:postgresql:");
    }

    private static boolean exists(PostgresDatabase admin, String name) throws SQLException {
        try (Connection c = admin.connect();
                PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }
}
