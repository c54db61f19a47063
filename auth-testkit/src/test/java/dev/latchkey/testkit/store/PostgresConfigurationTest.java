package dev.latchkey.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.Session;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.LatchkeyOptions;
import dev.latchkey.testkit.db.PostgresDatabase;
import dev.latchkey.testkit.db.PostgresExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** PostgreSQL chosen in the configuration file or in the builder: the same database, the same users. */
@ExtendWith(PostgresExtension.class)
class PostgresConfigurationTest {

    @Test
    void anEngineConfiguredByFileAndOneByBuilderShareTheirUsers(PostgresDatabase db, @TempDir Path dir) throws Exception {
        Path config = dir.resolve("latchkey.json");
        Files.writeString(config, """
                { "providers": { "anon-user": { "enabled": true } },
                  "store": { "jdbcUrl": "%s", "username": "%s", "password": "%s", "maxPoolSize": 3 } }
                """.formatted(db.jdbcUrl(), db.username(), db.password()));
        try (AuthService byFile = Latchkey.service("shared").config(config).dataDirectory(dir.resolve("a")).build();
             AuthService byBuilder = Latchkey.service("shared").config("{ \"providers\": { \"anon-user\": { \"enabled\": true } } }")
                     .database(db.jdbcUrl(), db.username(), db.password()).dataDirectory(dir.resolve("b")).build()) {
            Session session = byFile.logIn(Credentials.anonymous());
            assertThat(byBuilder.verify(session.accessToken()).userId()).isEqualTo(session.user().id());
            assertThat(byBuilder.refresh(session.refreshToken()).user().id()).isEqualTo(session.user().id());
        }
        assertThat(dir.resolve("a")).as("nothing embedded is made when a database is configured").doesNotExist();
        assertThat(dir.resolve("b")).doesNotExist();
    }

    @Test
    void theBuilderReplacesTheFilesStoreSectionButKeepsItsPoolSize(PostgresDatabase db) {
        LatchkeyOptions options = LatchkeyOptions.builder("app")
                .config("{ \"store\": { \"jdbcUrl\": \"jdbc:postgresql://elsewhere/x\", \"maxPoolSize\": 4 } }")
                .database(db.jdbcUrl(), db.username(), db.password()).build();
        assertThat(options.config().store().jdbcUrl()).isEqualTo(db.jdbcUrl());
        assertThat(options.config().store().maxPoolSize()).isEqualTo(4);
        assertThat(options.config().store().toString()).doesNotContain(db.password());
    }
}
