package dev.latchkey.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.core.Latchkey;
import dev.latchkey.testkit.db.PostgresDatabase;
import dev.latchkey.testkit.db.PostgresExtension;
import dev.latchkey.testkit.log.LogCapture;
import dev.latchkey.testkit.log.SecretScan;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/**
 * The database password, whether in the store section or inside the JDBC URL, appears in no log
 * line of the engine, the pool or the migrations, and in no start-up error.
 */
@ExtendWith(PostgresExtension.class)
@ResourceLock(LogCapture.RESOURCE_LOCK)
@ResourceLock(Resources.SYSTEM_OUT)
@ResourceLock(Resources.SYSTEM_ERR)
class StorePasswordNeverLoggedTest {

    @Test
    void aPasswordInTheUrlOrTheSettingsIsNeverLogged(PostgresDatabase database, @TempDir Path data) {
        assertThat(database.password()).as("the test server has a password to leak").isNotEmpty();
        String inUrl = database.jdbcUrl() + (database.jdbcUrl().contains("?") ? "&" : "?") + "password=" + database.password();
        String config = """
                { "providers": { "anon-user": { "enabled": true } },
                  "store": { "jdbcUrl": "%s", "username": "%s", "password": "%s" } }
                """;
        List<SecretScan.Secret> secrets = List.of(new SecretScan.Secret("database password", database.password()));
        LogCapture capture = LogCapture.start();
        try (capture) {
            String passwordInSettings = config.formatted(database.jdbcUrl(), database.username(), database.password());
            String passwordInUrl = config.replace(", \"password\": \"%s\"", "").formatted(inUrl, database.username());
            for (String json : List.of(passwordInSettings, passwordInUrl)) {
                try (AuthService engine = Latchkey.service("app").dataDirectory(data).config(json).build()) {
                    engine.logIn(Credentials.anonymous());
                }
            }
            assertThatThrownBy(() -> Latchkey.service("app").dataDirectory(data)
                    .config(config.formatted(database.jdbcUrl(), database.username(), "wrong-" + database.password())).build())
                    .hasMessageContaining("Check store.username and store.password")
                    .satisfies(e -> assertThat(SecretScan.find("start-up error", e.getMessage(), secrets)).isEmpty());
        }
        assertThat(capture.text()).as("the pool did log its start").contains("Start completed");
        assertThat(SecretScan.find(capture.entries(), secrets)).isEmpty();
    }
}
