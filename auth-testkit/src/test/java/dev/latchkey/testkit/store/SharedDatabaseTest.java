package dev.latchkey.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.core.Latchkey;
import dev.latchkey.testkit.db.PostgresDatabase;
import dev.latchkey.testkit.db.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Latchkey's tables (all latchkey_*) can join a database that already holds an application's own. */
@ExtendWith(PostgresExtension.class)
class SharedDatabaseTest {

    @Test
    void aDatabaseWithOtherTablesIsMigratedAndTheirDataLeftAlone(PostgresDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id INT PRIMARY KEY, item TEXT)");
            s.execute("INSERT INTO orders VALUES (1, 'book')");
        }
        try (AuthService engine = Latchkey.service("shop").database(db.jdbcUrl(), db.username(), db.password())
                .config("{ \"providers\": { \"anon-user\": { \"enabled\": true } } }").build()) {
            String userId = engine.logIn(Credentials.anonymous()).user().id();
            assertThat(engine.findUser(userId)).isPresent();
        }
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT item FROM orders WHERE id = 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("book");
        }
    }
}
