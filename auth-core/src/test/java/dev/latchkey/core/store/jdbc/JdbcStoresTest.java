package dev.latchkey.core.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.UserType;
import dev.latchkey.core.config.StoreSettings;
import dev.latchkey.core.store.NewUser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening the JDBC store: the embedded default's place and permissions, what survives a reopen, and clear start-up errors. */
class JdbcStoresTest {
    private static final Instant T0 = Instant.parse("2026-11-28T10:15:30.123456Z");

    @TempDir
    Path dataDirectory;

    @Test
    void theDefaultIsAnH2FileInAnOwnerOnlyDirectoryPerApp() throws Exception {
        try (JdbcStore store = JdbcStores.open(StoreSettings.DEFAULT, dataDirectory, "my-app")) {
            store.logInIdentity(Identity.of("test-idp", "ann"), new NewUser("u1", UserType.NORMAL, T0), T0);
        }
        Path appDirectory = dataDirectory.resolve("my-app");
        assertThat(appDirectory.resolve(JdbcStores.H2_FILE + ".mv.db")).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(appDirectory))).isEqualTo("rwx------");
    }

    @Test
    void whatWasWrittenIsThereAfterAReopenToTheMicrosecond() {
        try (JdbcStore store = JdbcStores.open(StoreSettings.DEFAULT, dataDirectory, "my-app")) {
            store.logInIdentity(Identity.of("test-idp", "ann"), new NewUser("u1", UserType.NORMAL, T0), T0);
        }
        try (JdbcStore store = JdbcStores.open(StoreSettings.DEFAULT, dataDirectory, "my-app")) {
            assertThat(store.findUserByIdentity("test-idp", "ann")).hasValueSatisfying(u -> {
                assertThat(u.id()).isEqualTo("u1");
                assertThat(u.createdAt()).isEqualTo(T0);
                assertThat(u.identities().get(0).lastLoginAt()).isEqualTo(T0);
            });
        }
    }

    @Test
    void twoAppsInOneDataDirectoryKeepTheirUsersApart() {
        try (JdbcStore one = JdbcStores.open(StoreSettings.DEFAULT, dataDirectory, "app-one");
             JdbcStore two = JdbcStores.open(StoreSettings.DEFAULT, dataDirectory, "app-two")) {
            one.logInIdentity(Identity.of("test-idp", "ann"), new NewUser("u1", UserType.NORMAL, T0), T0);
            assertThat(two.findUserByIdentity("test-idp", "ann")).isEmpty();
        }
    }

    @Test
    void aDataDirectoryHeldByAnotherProcessIsRefusedWithAHint() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process holder = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                HoldDataDirectory.class.getName(), dataDirectory.toString()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("OPEN");
            assertThatThrownBy(() -> JdbcStores.open(StoreSettings.DEFAULT, dataDirectory, "held-app"))
                    .isInstanceOfSatisfying(AuthException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION);
                        assertThat(e.getMessage()).contains("Another process has this data directory open", "PostgreSQL");
                    });
        } finally {
            holder.destroyForcibly();
            holder.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aDatabaseThatCannotBeReachedFailsAtStartWithoutItsPassword() {
        StoreSettings unreachable = new StoreSettings("jdbc:postgresql://127.0.0.1:1/latchkey?connectTimeout=2", "app",
                "s3cret-db-pw", 2);
        assertThatThrownBy(() -> JdbcStores.open(unreachable, dataDirectory, "my-app"))
                .isInstanceOfSatisfying(AuthException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION);
                    assertThat(e.getMessage()).startsWith("store: cannot connect to jdbc:postgresql://127.0.0.1:1/latchkey?(parameters hidden)")
                            .doesNotContain("s3cret-db-pw");
                });
    }

    @Test
    void theShownUrlHidesEveryPlaceAPasswordCanHide() {
        assertThat(settings("jdbc:postgresql://db:5432/app?user=a&password=pw").shownJdbcUrl())
                .isEqualTo("jdbc:postgresql://db:5432/app?(parameters hidden)");
        assertThat(settings("jdbc:h2:file:/data/x;PASSWORD=pw").shownJdbcUrl()).isEqualTo("jdbc:h2:file:/data/x;(parameters hidden)");
        assertThat(settings("jdbc:postgresql://a:pw@db/app").shownJdbcUrl()).isEqualTo("jdbc:postgresql://(hidden)@db/app");
        assertThat(settings("jdbc:postgresql://db/app?password=pw").toString()).doesNotContain("pw").contains("(hidden)");
    }

    @Test
    void aPathThatH2WouldReadAsSettingsIsRefused() {
        assertThatThrownBy(() -> JdbcStores.open(StoreSettings.DEFAULT, dataDirectory.resolve("a;AUTO_SERVER=TRUE"), "my-app"))
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining("must not contain ';'");
    }

    private static StoreSettings settings(String url) {
        return new StoreSettings(url, null, "pw", 1);
    }

    @Test
    void secretsInTheUrlAreMovedOutOfIt() {
        UrlSecrets.Split pg = UrlSecrets.split(new StoreSettings(
                "jdbc:postgresql://db/app?ssl=true&password=p%26w&user=a&sslpassword=k3y", null, null, 3));
        assertThat(pg.settings().jdbcUrl()).isEqualTo("jdbc:postgresql://db/app?ssl=true&user=a");
        assertThat(pg.settings().password()).isEqualTo("p&w");
        assertThat(pg.settings().maxPoolSize()).isEqualTo(3);
        assertThat(pg.properties()).containsExactly(java.util.Map.entry("sslpassword", "k3y"));
        UrlSecrets.Split h2 = UrlSecrets.split(new StoreSettings("jdbc:h2:file:/x/y;PASSWORD=secret;MODE=Regular", "sa", null, 1));
        assertThat(h2.settings().jdbcUrl()).isEqualTo("jdbc:h2:file:/x/y;MODE=Regular");
        assertThat(h2.settings().password()).isEqualTo("secret");
        StoreSettings none = new StoreSettings("jdbc:postgresql://db/app", "a", "pw", 1);
        assertThat(UrlSecrets.split(none).settings()).isEqualTo(none);
        assertThatThrownBy(() -> UrlSecrets.split(new StoreSettings("jdbc:postgresql://db/app?password=a", null, "b", 1)))
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining("given twice").hasMessageNotContaining("=a");
        assertThatThrownBy(() -> UrlSecrets.split(new StoreSettings("jdbc:postgresql://db/app?password=%zzsecret", null, null, 1)))
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining("password parameter").hasMessageNotContaining("zz");
    }

    @Test
    void anAppDirectoryThatIsThereAlreadyIsMadeOwnerOnlyAndSoAreTheStoresFiles() throws Exception {
        Path app = Files.createDirectories(dataDirectory.resolve("my-app"));
        Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rwxr-xr-x"));
        JdbcStores.open(StoreSettings.DEFAULT, dataDirectory, "my-app").close();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(app))).isEqualTo("rwx------");
        try (var files = Files.list(app)) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("store."))).isNotEmpty()
                    .allSatisfy(f -> assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------"));
        }
    }

    @Test
    void anAppDirectoryThatIsASymbolicLinkIsRefused() throws Exception {
        Path elsewhere = Files.createDirectories(dataDirectory.resolve("elsewhere"));
        Files.createSymbolicLink(dataDirectory.resolve("my-app"), elsewhere);
        assertThatThrownBy(() -> JdbcStores.open(StoreSettings.DEFAULT, dataDirectory, "my-app"))
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining("symbolic link");
        try (var files = Files.list(elsewhere)) {
            assertThat(files).as("nothing was written through the link").isEmpty();
        }
    }
}
