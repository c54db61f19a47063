package dev.latchkey.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line, run in-process: {@link Main#launch} is main without System.exit. */
class MainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Main.Launch launch(String... args) {
        return Main.launch(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void portZeroStartsAndPrintsTheRealUrl() throws Exception {
        Main.Launch launch = launch("--port", "0", "--data", dir.toString(), "--app-id", "my-app");
        try (LatchkeyServer server = launch.server()) {
            assertThat(server).isNotNull();
            assertThat(server.port()).isPositive();
            assertThat(out()).isEqualTo("Latchkey server listening on http://127.0.0.1:" + server.port() + System.lineSeparator());
            assertThat(server.engine().appId()).isEqualTo("my-app");
        }
    }

    @Test
    void withoutAConfigAnonymousAndEmailPasswordAreOn() throws Exception {
        try (LatchkeyServer server = launch("--port", "0", "--data", dir.toString()).server()) {
            var email = server.engine().emailPassword();
            email.registerUser("default@example.com", "correct horse");
            assertThat(server.engine().logIn(dev.latchkey.api.Credentials.emailPassword("default@example.com", "correct horse")))
                    .as("auto-confirmed").isNotNull();
            assertThat(server.engine().logIn(dev.latchkey.api.Credentials.anonymous())).isNotNull();
        }
    }

    @Test
    void aConfigFileWithAServerSectionIsRead() throws Exception {
        Path config = dir.resolve("latchkey.json");
        Files.writeString(config, """
                { "server": { "publicUrl": "https://auth.example.com", "maxBodyBytes": 2048 },
                  "providers": { "anon-user": { "enabled": true } } }
                """);
        try (LatchkeyServer server = launch("--port", "0", "--data", dir.resolve("d").toString(), "--config", config.toString()).server()) {
            assertThat(server).isNotNull();
            assertThat(server.url()).startsWith("http://127.0.0.1:");
        }
    }

    @Test
    void badArgumentsPrintTheUsageAndExit2WithoutAStackTrace() {
        for (String[] args : new String[][] {{"--port"}, {"--port", "x"}, {"--port", "70000"}, {"--nope", "1"}, {"stray"}, {"--help"}}) {
            out.reset();
            err.reset();
            Main.Launch launch = launch(args);
            assertThat(launch.server()).isNull();
            assertThat(launch.exitCode()).as(String.join(" ", args)).isEqualTo(Main.EXIT_USAGE);
            assertThat(err()).contains("usage: java -jar auth-server.jar").doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(out()).isEmpty();
        }
    }

    @Test
    void aBadConfigOrAnUnusableAddressExits1WithTheReason() throws Exception {
        Path config = dir.resolve("bad.json");
        Files.writeString(config, "{ \"server\": { \"colour\": \"blue\" } }");
        Main.Launch bad = launch("--port", "0", "--data", dir.toString(), "--config", config.toString());
        assertThat(bad.exitCode()).isEqualTo(Main.EXIT_START_FAILED);
        assertThat(err()).contains("server: unknown key colour").doesNotContain("\tat ");

        err.reset();
        Main.Launch missing = launch("--port", "0", "--data", dir.toString(), "--config", dir.resolve("none.json").toString());
        assertThat(missing.exitCode()).isEqualTo(Main.EXIT_START_FAILED);
        assertThat(err()).contains("configuration file not found");

        err.reset();
        Main.Launch wildcard = launch("--port", "0", "--data", dir.toString(), "--host", "0.0.0.0");
        assertThat(wildcard.exitCode()).isEqualTo(Main.EXIT_START_FAILED);
        assertThat(err()).contains("server.publicUrl");
    }

    @Test
    void aPortInUseExits1() throws Exception {
        try (LatchkeyServer first = launch("--port", "0", "--data", dir.resolve("a").toString()).server()) {
            err.reset();
            Main.Launch second = launch("--port", Integer.toString(first.port()), "--data", dir.resolve("b").toString());
            assertThat(second.exitCode()).isEqualTo(Main.EXIT_START_FAILED);
            assertThat(err()).contains("cannot listen on 127.0.0.1:" + first.port()).doesNotContain("\tat ");
        }
    }
}
