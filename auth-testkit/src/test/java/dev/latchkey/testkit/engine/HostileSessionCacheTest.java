package dev.latchkey.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.latchkey.api.AuthApp;
import dev.latchkey.api.User;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.log.LogCapture;
import dev.latchkey.testkit.log.SecretScan;
import dev.latchkey.testkit.log.SecretScan.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SECURITY.md 28 and 30: a session cache that is damaged, planted or not private is "no
 * session". The app starts, logs exactly one warning that says why without a token or the file's
 * content, and works; a damaged file is replaced by a good one at once, while a data directory
 * that cannot be trusted is not written at all.
 */
@ResourceLock(LogCapture.RESOURCE_LOCK)
@ResourceLock(Resources.SYSTEM_OUT)
@ResourceLock(Resources.SYSTEM_ERR)
class HostileSessionCacheTest {
    private static final String PERSISTENCE_LOGGER = "dev.latchkey.core.client.FileSessionPersistence";

    @RegisterExtension
    final EngineHarness engine = EngineHarness.builder().enable(PasswordlessIdp.TYPE).provider(new PasswordlessIdp()).build();

    @TempDir
    Path device;

    /** What an attacker, a crash or a careless user did to the cache between two runs. */
    enum Tampering {
        SYMBOLIC_LINK_FILE("is a symbolic link", true) {
            @Override
            void apply(Path file) throws IOException {
                Path elsewhere = file.getParent().getParent().resolve("elsewhere.json");
                Files.move(file, elsewhere);
                Files.createSymbolicLink(file, elsewhere);
            }
        },
        SYMBOLIC_LINK_DIRECTORY("is a symbolic link", false) {
            @Override
            void apply(Path file) throws IOException {
                Path appDirectory = file.getParent();
                Path real = appDirectory.resolveSibling("real-app-directory");
                Files.move(appDirectory, real);
                Files.createSymbolicLink(appDirectory, real);
            }
        },
        READABLE_BY_OTHERS("rw-r--r--", true) {
            @Override
            void apply(Path file) throws IOException {
                assumePosix();
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            }
        },
        ANOTHER_USERS_FILE("not to this process's user", true) {
            @Override
            void apply(Path file) throws IOException {
                Files.setOwner(file, anotherUser());
            }
        },
        ANOTHER_USERS_DIRECTORY("not to this process's user", false) {
            @Override
            void apply(Path file) throws IOException {
                Files.setOwner(file.getParent(), anotherUser());
            }
        },
        CORRUPT_BYTES("not UTF-8", true) {
            @Override
            void apply(Path file) throws IOException {
                byte[] bytes = Files.readAllBytes(file);
                Arrays.fill(bytes, bytes.length / 3, bytes.length / 3 + 64, (byte) 0xff);
                Files.write(file, bytes);
            }
        },
        TRUNCATED("not strict JSON", true) {
            @Override
            void apply(Path file) throws IOException {
                byte[] bytes = Files.readAllBytes(file);
                Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
            }
        },
        OVERSIZED("larger than 67108864 bytes", true) {
            @Override
            void apply(Path file) throws IOException {
                Files.writeString(file, Files.readString(file) + " ".repeat(64 * 1024 * 1024));
            }
        },
        WRONG_TYPES("info.disabled: not a boolean", true) {
            @Override
            void apply(Path file) throws IOException {
                edit(file, text -> text.replaceFirst("\"disabled\": false", "\"disabled\": \"no\""));
            }
        },
        DUPLICATE_KEYS("not strict JSON", true) {
            @Override
            void apply(Path file) throws IOException {
                edit(file, text -> text.replaceFirst("\"refreshToken\": ", "\"refreshToken\": \"planted\", \"refreshToken\": "));
            }
        },
        DEEP_NESTING("not strict JSON", true) {
            @Override
            void apply(Path file) throws IOException {
                edit(file, text -> text.replaceFirst("\"customData\": \\{", "\"customData\": {\"x\": " + "[".repeat(100) + "]".repeat(100) + ", "));
            }
        },
        UNKNOWN_VERSION("version 2 is not the supported version 1", true) {
            @Override
            void apply(Path file) throws IOException {
                edit(file, text -> text.replaceFirst("\"version\": 1", "\"version\": 2"));
            }
        },
        MISSING_FIELD("the file.deviceId: missing", true) {
            @Override
            void apply(Path file) throws IOException {
                edit(file, text -> text.replaceFirst("\"deviceId\": \"[0-9a-f]+\",", ""));
            }
        },
        DEVICE_ID_THE_ENGINE_REFUSES("the file.deviceId: not a device id", true) {
            @Override
            void apply(Path file) throws IOException {
                edit(file, text -> text.replaceFirst("\"deviceId\": \"([0-9a-f]+)\",", "\"deviceId\": \"$1.damaged\","));
            }
        },
        /** Others could have swapped the file or planted a FIFO: nothing in it is opened, and the write takes their permissions back. */
        DIRECTORY_OTHERS_MAY_WRITE("has permissions rwxrwxrwx; only its owner may have any", true) {
            @Override
            void apply(Path file) throws IOException {
                assumePosix();
                Files.setPosixFilePermissions(file.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
            }
        },
        /** Opening a FIFO blocks until someone opens its other end: it must never be opened. */
        LOCK_FILE_FIFO("session-cache.lock is not a regular file", false) {
            @Override
            void apply(Path file) throws IOException {
                assumePosix();
                Path lockFile = file.resolveSibling("session-cache.lock");
                Files.delete(lockFile);
                mkfifo(lockFile);
            }
        },
        LOCK_FILE_OF_ANOTHER_USER("session-cache.lock belongs to uid", false) {
            @Override
            void apply(Path file) throws IOException {
                Files.setOwner(file.resolveSibling("session-cache.lock"), anotherUser());
            }
        };

        final String why;
        /** Whether the app writes a good cache in its place; false when the directory or the lock file is not to be trusted. */
        final boolean replaced;

        Tampering(String why, boolean replaced) {
            this.why = why;
            this.replaced = replaced;
        }

        abstract void apply(Path file) throws IOException;
    }

    @ParameterizedTest
    @EnumSource(Tampering.class)
    void aTamperedCacheIsNoSessionAndOneWarning(Tampering tampering) throws Exception {
        AuthApp first = engine.newClient(device);
        User ann = first.logIn(PasswordlessIdp.as("ann"));
        List<Secret> secrets = new ArrayList<>();
        remember(secrets, "first", ann);
        first.close();
        Path file = device.resolve(engine.service().appId()).resolve("session-cache.json");
        tampering.apply(file);
        byte[] planted = Files.readAllBytes(file);

        LogCapture capture = LogCapture.start();
        try {
            AuthApp second = engine.newClient(device);
            assertThat(second.currentUser()).isEmpty();
            assertThat(second.allUsers()).isEmpty();
            User again = second.logIn(PasswordlessIdp.as("ann"));
            assertThat(again.isLoggedIn()).as("the app works").isTrue();
            remember(secrets, "second", again);
            second.close();
        } finally {
            capture.close();
        }

        List<LogCapture.Entry> warnings = capture.entries().stream()
                .filter(e -> e.origin().endsWith(" WARNING") || e.origin().endsWith(" SEVERE")).toList();
        assertThat(warnings).as(capture.text()).hasSize(1);
        assertThat(warnings.get(0).origin()).startsWith(PERSISTENCE_LOGGER);
        assertThat(warnings.get(0).text()).contains(tampering.why);
        assertThat(SecretScan.find(capture.entries(), secrets)).isEmpty();
        assertThat(capture.text()).as("no part of the file is logged").doesNotContain("\"users\"", "planted");

        if (tampering.replaced) {
            AuthApp third = engine.newClient(device);
            assertThat(third.currentUser()).as("a good cache replaced the bad one").hasValueSatisfying(u -> assertThat(u.id()).isEqualTo(ann.id()));
            assertThat(Files.isSymbolicLink(file)).isFalse();
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                assertThat(Files.getPosixFilePermissions(file.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            }
        } else {
            assertThat(Files.readAllBytes(file)).as("nothing written where the directory or the lock cannot be trusted").isEqualTo(planted);
        }
        if (tampering == Tampering.SYMBOLIC_LINK_FILE) {
            assertThat(Files.readAllBytes(device.resolve("elsewhere.json"))).as("the link's target is untouched").isEqualTo(planted);
        }
    }

    @Test
    void aDataDirectoryThatCannotBeWrittenCostsOneWarningAndTheAppWorks() throws Exception {
        Path blocked = Files.writeString(device.resolve("blocked"), "a file where the data directory should be");
        List<Secret> secrets = new ArrayList<>();
        LogCapture capture = LogCapture.start();
        try {
            AuthApp app = engine.newClient(blocked);
            User ann = app.logIn(PasswordlessIdp.as("ann"));
            User bob = app.logIn(PasswordlessIdp.as("bob"));
            ann.logOut();
            assertThat(app.currentUser()).containsSame(bob);
            remember(secrets, "bob", bob);
            app.close();
        } finally {
            capture.close();
        }
        List<LogCapture.Entry> warnings = capture.entries().stream().filter(e -> e.origin().endsWith(" WARNING")).toList();
        assertThat(warnings).as(capture.text()).hasSize(1);
        assertThat(warnings.get(0).text()).contains("the session cache is off for this run", "Not a directory");
        assertThat(SecretScan.find(capture.entries(), secrets)).isEmpty();
    }

    /**
     * A cache that stops being writable while the app runs: one warning for the run of failures,
     * and one at close when the last change could not be written either, since the file may then
     * still hold the refresh token of a user who has logged out.
     */
    @Test
    void aCacheThatCannotBeWrittenAnyMoreCostsOneWarningAndOneAtCloseAndTheAppWorks() throws Exception {
        AuthApp app = engine.newClient(device);
        User ann = app.logIn(PasswordlessIdp.as("ann"));
        Path appDirectory = device.resolve(engine.service().appId());
        awaitContent(appDirectory.resolve("session-cache.json"), ann.refreshToken());
        Files.move(appDirectory, device.resolve("moved-away"));
        Files.writeString(appDirectory, "a file where the app's directory should be");
        List<Secret> secrets = new ArrayList<>();
        remember(secrets, "ann", ann);
        LogCapture capture = LogCapture.start();
        try {
            User bob = app.logIn(PasswordlessIdp.as("bob"));
            remember(secrets, "bob", bob);
            ann.logOut();
            assertThat(app.currentUser()).containsSame(bob);
            app.close();
        } finally {
            capture.close();
        }
        List<LogCapture.Entry> warnings = capture.entries().stream().filter(e -> e.origin().endsWith(" WARNING")).toList();
        assertThat(warnings).as(capture.text()).hasSize(2);
        assertThat(warnings.get(0).text()).contains("could not write the session cache", "is not a directory", "trying again at the next change");
        assertThat(warnings.get(1).text()).contains("could not write the session cache", "before the app closed", "logged out");
        assertThat(SecretScan.find(capture.entries(), secrets)).isEmpty();
    }

    private static void awaitContent(Path file, String expected) throws Exception {
        for (int i = 0; i < 500; i++) {
            if (Files.isRegularFile(file) && Files.readString(file).contains(expected)) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        throw new AssertionError(file + " was not written");
    }

    private static void mkfifo(Path path) throws IOException {
        try {
            Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).start();
            assumeTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo failed");
        } catch (IOException e) {
            assumeTrue(false, "mkfifo is not installed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void remember(List<Secret> secrets, String who, User user) {
        secrets.add(new Secret(who + " access token", user.accessToken()));
        secrets.add(new Secret(who + " access token signature", user.accessToken().substring(user.accessToken().lastIndexOf('.') + 1)));
        secrets.add(new Secret(who + " refresh token", user.refreshToken()));
    }

    private interface Edit {
        String apply(String text);
    }

    private static void edit(Path file, Edit edit) throws IOException {
        String before = Files.readString(file);
        String after = edit.apply(before);
        assertThat(after).as("the tampering changed the file").isNotEqualTo(before);
        Files.write(file, after.getBytes(StandardCharsets.UTF_8));
    }

    private static void assumePosix() {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions are not available");
    }

    private static UserPrincipal anotherUser() throws IOException {
        assumePosix();
        assumeTrue("root".equals(System.getProperty("user.name")),
                "only root can give a file to another user; running as " + System.getProperty("user.name"));
        return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    }
}
