package dev.latchkey.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Session;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.LatchkeyOptions;
import dev.latchkey.testkit.db.PostgresDatabase;
import dev.latchkey.testkit.db.PostgresExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** PostgreSQL chosen in the configuration file or in the builder (the same database, the same users), and its lock timeout. */
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

    /** A row locked elsewhere for too long fails the call after PostgreSQL's lock_timeout instead of hanging it. */
    @Test
    @Timeout(60)
    void aLockHeldElsewhereFailsTheCallInsteadOfHangingIt(PostgresDatabase db) throws Exception {
        try (AuthService engine = Latchkey.service("locked").database(db.jdbcUrl(), db.username(), db.password())
                .config("{ \"providers\": { \"anon-user\": { \"enabled\": true } } }").build();
             Connection other = db.connect()) {
            String userId = engine.logIn(Credentials.anonymous()).user().id();
            other.setAutoCommit(false);
            try (PreparedStatement lock = other.prepareStatement("SELECT id FROM latchkey_users WHERE id = ? FOR UPDATE")) {
                lock.setString(1, userId);
                lock.executeQuery().close();
            }
            long started = System.nanoTime();
            assertThatThrownBy(() -> engine.disableUser(userId))
                    .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL))
                    .hasMessageContaining("55P03");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("not retried").isLessThan(Duration.ofSeconds(30));
            other.rollback();
            engine.disableUser(userId);
            assertThat(engine.findUser(userId)).hasValueSatisfying(u -> assertThat(u.disabled()).isTrue());
        }
    }
}
