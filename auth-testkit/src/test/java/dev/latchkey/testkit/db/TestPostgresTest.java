package dev.latchkey.testkit.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The server {@link TestPostgres} starts: how it listens, who runs it, how it stops. */
@ExtendWith(PostgresExtension.class)
class TestPostgresTest {
    @Test
    void theServerListensOnlyOn127001WithDurabilityOff(TestPostgres server) throws SQLException {
        assertThat(server.isExternal()).isFalse();

        assertThat(setting(server.maintenanceDatabase(), "listen_addresses")).isEqualTo("127.0.0.1");
        assertThat(setting(server.maintenanceDatabase(), "unix_socket_directories")).isEmpty();
        assertThat(setting(server.maintenanceDatabase(), "fsync")).isEqualTo("off");
        assertThat(setting(server.maintenanceDatabase(), "synchronous_commit")).isEqualTo("off");
        assertThat(setting(server.maintenanceDatabase(), "full_page_writes")).isEqualTo("off");
        assertThat(Integer.parseInt(setting(server.maintenanceDatabase(), "max_connections"))).isGreaterThanOrEqualTo(200);
        assertThat(setting(server.maintenanceDatabase(), "server_encoding")).isEqualTo("UTF8");
        assertThat(setting(server.maintenanceDatabase(), "password_encryption")).isEqualTo("scram-sha-256");
    }

    @Test
    void aWrongPasswordIsRefused(PostgresDatabase db) {
        PostgresDatabase wrong = new PostgresDatabase(db.jdbcUrl(), db.username(), db.password() + "x");

        assertThatThrownBy(wrong::connect)
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    }

    @Test
    void noPasswordIsRefusedToo(PostgresDatabase db) {
        PostgresDatabase none = new PostgresDatabase(db.jdbcUrl(), db.username(), "");

        assertThatThrownBy(none::connect).isInstanceOf(SQLException.class);
    }

    @Test
    void theServerIsNotReachableOnOtherAddressesOfThisMachine(TestPostgres server) throws IOException {
        Optional<InetAddress> lanAddress = nonLoopbackAddress();
        assumeThat(lanAddress).as("this machine has a non-loopback IPv4 address").isPresent();
        int port = portOf(server.maintenanceDatabase());

        try (Socket socket = new Socket()) {
            assertThatThrownBy(() -> socket.connect(new InetSocketAddress(lanAddress.get(), port), 2_000))
                    .isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void theClusterBelongsToTheServerUserAndThePasswordFileIsGone(TestPostgres server) throws Exception {
        Path data = Path.of(setting(server.maintenanceDatabase(), "data_directory"));

        if (PostgresCluster.runningAsRoot()) {
            assertThat(Files.getOwner(data).getName()).isEqualTo(PostgresCluster.SERVER_OS_USER);
        }
        assertThat(data.getParent().resolve("pwfile")).doesNotExist();
        assertThat(data.getParent().resolve("server.log")).exists();
    }

    @Test
    void closeStopsTheServerAndDeletesItsDirectory() throws Exception {
        TestPostgres server = TestPostgres.start();
        PostgresDatabase db = server.newDatabase();
        int port = portOf(db);
        Path root = Path.of(setting(db, "data_directory")).getParent();
        assertThat(root).isDirectory();

        server.close();

        try (Socket socket = new Socket()) {
            assertThatThrownBy(() -> socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000))
                    .isInstanceOf(ConnectException.class);
        }
        assertThat(root).doesNotExist();
        assertThatThrownBy(db::connect).isInstanceOf(SQLException.class);
    }

    @Test
    void closeTwiceIsHarmlessAndNoDatabaseComesAfterIt() {
        TestPostgres server = TestPostgres.start();

        server.close();
        server.close();

        assertThatThrownBy(server::newDatabase)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void toStringShowsWhereButNeverThePassword(TestPostgres server, PostgresDatabase db) {
        assertThat(server.toString()).contains("127.0.0.1").doesNotContain(db.password());
        assertThat(db.toString()).contains(db.jdbcUrl(), db.username()).doesNotContain(db.password());
    }

    @Test
    void aFailingInitdbIsReportedWithItsOutputAndLeavesNothingBehind() throws IOException {
        // Not a @TempDir: those are private to root, and the server's user must run these programs.
        Path bin = Files.createTempDirectory("latchkey-fake-pg-bin-");
        try {
            Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
            for (String program : new String[] {"initdb", "pg_ctl"}) {
                Path file = bin.resolve(program);
                Files.writeString(file, "#!/bin/sh\necho \"" + program + ": disk on fire\" >&2\nexit 3\n");
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
            }

            assertThatThrownBy(() -> TestPostgres.start(Map.of(TestPostgres.BIN_ENV, bin.toString())::get))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("initdb failed (exit 3)")
                    .hasMessageContaining("initdb: disk on fire")
                    .satisfies(e -> assertThat(clusterDirectoryIn(e.getMessage())).doesNotExist());
        } finally {
            for (String program : new String[] {"initdb", "pg_ctl"}) {
                Files.deleteIfExists(bin.resolve(program));
            }
            Files.deleteIfExists(bin);
        }
    }

    private static Path clusterDirectoryIn(String message) {
        Matcher m = Pattern.compile("in (/\\S*latchkey-pg-\\d+)").matcher(message);
        assertThat(m.find()).as("the message names the cluster's directory: %s", message).isTrue();
        return Path.of(m.group(1));
    }

    static String setting(PostgresDatabase db, String name) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_setting('" + name + "')")) {
            rs.next();
            return rs.getString(1);
        }
    }

    static int portOf(PostgresDatabase db) {
        return URI.create(db.jdbcUrl().substring("jdbc:".length())).getPort();
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                    return Optional.of(address);
                }
            }
        }
        return Optional.empty();
    }
}
