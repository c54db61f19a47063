package dev.latchkey.core.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Database} on a real H2 file through the real pool: how a unit of work that fails is reported. */
class DatabaseTest {
    @TempDir
    Path directory;

    private HikariDataSource pool;
    private Database db;

    @BeforeEach
    void openDatabase() throws SQLException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(JdbcStores.embeddedUrl(directory));
        config.setAutoCommit(false);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        pool = new HikariDataSource(config);
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE item (name VARCHAR(64) PRIMARY KEY)");
            c.commit();
        }
        db = new Database(pool, Dialect.H2);
    }

    @AfterEach
    void close() {
        pool.close();
    }

    @Test
    void aUnitWhoseConnectionBreaksFailsWithInternalAndCommitsNothing() throws SQLException {
        // Hikari's "connection is closed" carries no SQL state: it once reached the retry check as null (an NPE).
        assertThatThrownBy(() -> db.transaction("insert and close", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO item (name) VALUES ('x')")) {
                ps.executeUpdate();
            }
            c.close();
            return null;
        })).isInstanceOfSatisfying(AuthException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
            assertThat(e.getMessage()).isEqualTo("the store could not insert and close (SQL state none)");
        });
        assertThat(items()).isZero();
        Database.Work<Integer> insertY = c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO item (name) VALUES ('y')")) {
                return ps.executeUpdate();
            }
        };
        assertThat(db.transaction("insert y", insertY)).as("the next unit runs on a good connection").isEqualTo(1);
        assertThat(items()).isEqualTo(1);
    }

    @Test
    void aFailingStatementFailsWithItsSqlStateAndNeverTheDatabasesMessage() {
        assertThatThrownBy(() -> db.transaction("divide", c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1 / 0")) {
                return rs.next();
            }
        })).isInstanceOfSatisfying(AuthException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
            assertThat(e.getMessage()).isEqualTo("the store could not divide (SQL state 22012)");
        });
    }

    private long items() throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM item")) {
            rs.next();
            long n = rs.getLong(1);
            c.rollback();
            return n;
        }
    }
}
