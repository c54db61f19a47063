package dev.latchkey.testkit.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where {@link TestPostgres} looks for initdb and pg_ctl, on fake install trees. */
class PostgresBinariesTest {
    @TempDir
    Path tmp;

    @Test
    void theDirectoryInLatchkeyPgBinWins() throws IOException {
        Path bin = fakeInstall(tmp.resolve("custom"));
        fakeInstall(tmp.resolve("debian/16"));

        PostgresBinaries found = PostgresBinaries.find(
                Map.of(TestPostgres.BIN_ENV, bin.toString())::get, tmp.resolve("debian"));

        assertThat(found.directory()).isEqualTo(bin);
    }

    @Test
    void aLatchkeyPgBinWithoutTheProgramsIsAClearError() {
        assertThatThrownBy(() -> PostgresBinaries.find(
                        Map.of(TestPostgres.BIN_ENV, tmp.toString())::get, tmp))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(TestPostgres.BIN_ENV + "=" + tmp)
                .hasMessageContaining("initdb");
    }

    @Test
    void pgConfigOnThePathComesNext() throws IOException {
        Path bin = fakeInstall(tmp.resolve("from-pg-config"));
        Path path = Files.createDirectories(tmp.resolve("path"));
        executable(path.resolve("pg_config"), "#!/bin/sh\necho " + bin + "\n");
        fakeInstall(tmp.resolve("debian/16"));

        PostgresBinaries found = PostgresBinaries.find(Map.of("PATH", path.toString())::get, tmp.resolve("debian"));

        assertThat(found.directory()).isEqualTo(bin);
    }

    @Test
    void otherwiseTheHighestDebianVersionIsTaken() throws IOException {
        fakeInstall(tmp.resolve("debian/9.6"));
        fakeInstall(tmp.resolve("debian/15"));
        fakeInstall(tmp.resolve("debian/16"));
        Files.createDirectories(tmp.resolve("debian/17/bin"));

        PostgresBinaries found = PostgresBinaries.find(Map.<String, String>of()::get, tmp.resolve("debian"));

        assertThat(found.directory()).isEqualTo(tmp.resolve("debian/16/bin"));
    }

    @Test
    void nothingFoundSaysWhatToInstallOrSet() {
        assertThatThrownBy(() -> PostgresBinaries.find(Map.<String, String>of()::get, tmp.resolve("none")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("PostgreSQL not found: install Debian's postgresql package"
                        + " (apt-get install -y postgresql) or set LATCHKEY_TEST_POSTGRES_URL / LATCHKEY_PG_BIN");
    }

    @Test
    void versionsCompareNumerically() {
        assertThat(PostgresBinaries.compareVersions(PostgresBinaries.versionOf("10"), PostgresBinaries.versionOf("9.6")))
                .isPositive();
        assertThat(PostgresBinaries.compareVersions(PostgresBinaries.versionOf("odd"), PostgresBinaries.versionOf("9")))
                .isNegative();
    }

    private static Path fakeInstall(Path root) throws IOException {
        Path bin = Files.createDirectories(root.resolve("bin"));
        executable(bin.resolve("initdb"), "#!/bin/sh\nexit 1\n");
        executable(bin.resolve("pg_ctl"), "#!/bin/sh\nexit 1\n");
        return bin;
    }

    private static void executable(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
