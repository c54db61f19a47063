package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.latchkey.testkit.db.PostgresDatabase;
import dev.latchkey.testkit.db.PostgresExtension;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server on PostgreSQL, named by JDBC URL in the configuration's {@code store} section: two
 * server instances sharing one database serve the same users, as instances behind a load balancer
 * would. Real PostgreSQL, started by the testkit.
 */
@ExtendWith(PostgresExtension.class)
class PostgresServerTest {
    private static final String PASSWORD = "correct horse battery staple";

    private final PostgresDatabase database;

    @TempDir
    Path dataA;
    @TempDir
    Path dataB;

    PostgresServerTest(PostgresDatabase database) {
        this.database = database;
    }

    private String config() {
        JsonObject store = new JsonObject();
        store.addProperty("jdbcUrl", database.jdbcUrl());
        store.addProperty("username", database.username());
        store.addProperty("password", database.password());
        return """
                { "providers": { "anon-user": { "enabled": true },
                                 "local-userpass": { "enabled": true, "autoConfirm": true } },
                  "store": %s }
                """.formatted(store);
    }

    @Test
    void twoServersOnOneDatabaseShareUsersAndSessions() throws IOException {
        try (TestServer a = TestServer.start(dataA, config()); TestServer b = TestServer.start(dataB, config())) {
            String email = "pg-" + System.nanoTime() + "@example.com";
            String credentials = "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}";
            assertThat(a.call("POST", TestServer.APP + "/auth/providers/local-userpass/register", credentials, null).status())
                    .isEqualTo(201);

            TestServer.Reply login = b.call("POST", TestServer.APP + "/auth/providers/local-userpass/login",
                    "{\"username\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}", null);
            assertThat(login.status()).as("registered on A, logged in on B").isEqualTo(200);
            String userId = login.string("user_id");

            TestServer.Reply refreshed = a.call("POST", TestServer.AUTH + "/session", null, login.string("refresh_token"));
            assertThat(refreshed.status()).as("a session opened on B refreshes on A").isEqualTo(201);
            TestServer.Reply profile = a.get(TestServer.AUTH + "/profile", refreshed.string("access_token"));
            assertThat(profile.string("user_id")).isEqualTo(userId);

            assertThat(b.call("DELETE", TestServer.AUTH + "/session", null, login.string("refresh_token")).status())
                    .isBetween(200, 204);
            assertThat(a.call("POST", TestServer.AUTH + "/session", null, login.string("refresh_token")).status())
                    .as("logged out on B, refused on A").isEqualTo(401);
        }
    }
}
