package dev.latchkey.core.client;

import dev.latchkey.core.files.PrivateFiles;
import dev.latchkey.core.files.UntrustedFileException;
import static dev.latchkey.core.client.CacheStates.APP_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache file on disk (SECURITY.md 28): owner-only, replaced atomically, locked against other
 * apps and other processes, and never trusted when it is a link, someone else's, readable by
 * others, or too large.
 */
class SessionCacheFileTest {
    @TempDir
    Path data;

    private SessionCacheFile cache() {
        return SessionCacheFile.in(data, APP_ID);
    }

    private static void assumePosix() {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
                "file permissions and owners are POSIX attributes; this file system has none");
    }

    @Test
    void theCacheLivesInTheAppsDirectoryUnderTheDataDirectory() {
        assertThat(cache().path()).isEqualTo(data.resolve(APP_ID).resolve("session-cache.json"));
    }

    @Test
    void withNoFileThereIsNoState() throws Exception {
        assertThat(cache().read()).isEmpty();
        assertThat(data.resolve(APP_ID)).as("reading creates nothing").doesNotExist();
        Files.createDirectory(data.resolve(APP_ID), PosixFilePermissions.asFileAttribute(PrivateFiles.DIRECTORY));
        assertThat(cache().read()).isEmpty();
    }

    @Test
    void whatIsWrittenIsReadBack() throws Exception {
        cache().write(CacheStates.numbered("w", 1));
        cache().write(CacheStates.numbered("w", 2));
        assertThat(cache().read()).contains(CacheStates.numbered("w", 2));
    }

    @Test
    void theFileIsOwnerOnlyInAnOwnerOnlyDirectory() throws Exception {
        assumePosix();
        Path nestedData = data.resolve("not").resolve("there");
        SessionCacheFile cache = SessionCacheFile.in(nestedData, APP_ID);
        cache.write(CacheStates.numbered("w", 1));
        assertThat(Files.getPosixFilePermissions(cache.path())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(cache.directory())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(nestedData)).as("data directories it creates are private too")
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(cache.directory().resolve(SessionCacheFile.LOCK_NAME)))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void anExistingAppDirectoryLosesGroupAndOtherPermissions() throws Exception {
        assumePosix();
        Files.createDirectory(data.resolve(APP_ID), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(data.resolve(APP_ID), PosixFilePermissions.fromString("rwxrwxrwx"));
        cache().write(CacheStates.numbered("w", 1));
        assertThat(Files.getPosixFilePermissions(data.resolve(APP_ID))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void aWriteLeavesNoTemporaryFileAndDeletesThoseLeftByACrash() throws Exception {
        cache().write(CacheStates.numbered("w", 1));
        Path elsewhere = Files.writeString(data.resolve("elsewhere"), "not yours");
        List<Path> leftovers = List.of(
                Files.writeString(cache().directory().resolve("session-cache.json.tmp"), "{\"half\": "),
                Files.writeString(cache().directory().resolve("session-cache.json.0123456789abcdef.tmp"), "{\"half\": "),
                Files.createSymbolicLink(cache().directory().resolve("session-cache.json.link.tmp"), elsewhere));
        cache().write(CacheStates.numbered("w", 2));
        assertThat(leftovers).allSatisfy(p -> assertThat(p).doesNotExist());
        assertThat(Files.readString(elsewhere)).as("a link is deleted, not what it points at").isEqualTo("not yours");
        assertThat(cache().read()).contains(CacheStates.numbered("w", 2));
        try (var files = Files.list(cache().directory())) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(SessionCacheFile.FILE_NAME, SessionCacheFile.LOCK_NAME);
        }
    }

    @Test
    void aWriteReplacesASymbolicLinkAndNeverWritesThroughIt() throws Exception {
        Path elsewhere = Files.writeString(data.resolve("elsewhere.json"), "not yours");
        Files.createDirectories(cache().directory());
        Files.createSymbolicLink(cache().path(), elsewhere);
        cache().write(CacheStates.numbered("w", 1));
        assertThat(Files.readString(elsewhere)).isEqualTo("not yours");
        assertThat(Files.isSymbolicLink(cache().path())).isFalse();
        assertThat(cache().read()).contains(CacheStates.numbered("w", 1));
    }

    @Test
    void aSymbolicLinkToAValidCacheIsNotRead() throws Exception {
        Path real = data.resolve("real");
        SessionCacheFile.in(real, APP_ID).write(CacheStates.numbered("w", 1));
        Files.createDirectories(cache().directory(), PosixFilePermissions.asFileAttribute(PrivateFiles.DIRECTORY));
        Files.createSymbolicLink(cache().path(), real.resolve(APP_ID).resolve(SessionCacheFile.FILE_NAME));
        assertThatThrownBy(() -> cache().read()).isInstanceOf(CorruptSessionCacheException.class).hasMessageContaining("symbolic link");
    }

    @Test
    void aSymbolicallyLinkedAppDirectoryIsNeitherReadNorWritten() throws Exception {
        Path real = data.resolve("real");
        SessionCacheFile.in(real, APP_ID).write(CacheStates.numbered("w", 1));
        Files.createSymbolicLink(data.resolve(APP_ID), real.resolve(APP_ID));
        assertThatThrownBy(() -> cache().read()).isInstanceOf(UntrustedFileException.class).hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> cache().write(CacheStates.numbered("w", 2))).isInstanceOf(IOException.class);
        assertThat(SessionCacheFile.in(real, APP_ID).read()).contains(CacheStates.numbered("w", 1));
    }

    @Test
    void aFileOthersMayReadIsNotRead() throws Exception {
        assumePosix();
        cache().write(CacheStates.numbered("w", 1));
        Files.setPosixFilePermissions(cache().path(), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> cache().read()).isInstanceOf(CorruptSessionCacheException.class).hasMessageContaining("rw-r--r--");
        Files.setPosixFilePermissions(cache().path(), PosixFilePermissions.fromString("rw-----w-"));
        assertThatThrownBy(() -> cache().read()).isInstanceOf(CorruptSessionCacheException.class);
    }

    @Test
    void anotherUsersFileOrDirectoryIsNotRead() throws Exception {
        assumePosix();
        UserPrincipal nobody = nobodyIfRoot();
        cache().write(CacheStates.numbered("w", 1));
        Files.setOwner(cache().path(), nobody);
        assertThatThrownBy(() -> cache().read()).isInstanceOf(CorruptSessionCacheException.class).hasMessageContaining("not to this process's user");
        Files.setOwner(cache().directory(), nobody);
        assertThatThrownBy(() -> cache().read()).as("a directory of another user's: nothing to replace")
                .isInstanceOf(UntrustedFileException.class).hasMessageContaining("not to this process's user");
    }

    @Test
    void aFileOverTheBoundIsNotRead() throws Exception {
        cache().write(CacheStates.numbered("w", 1));
        byte[] big = new byte[SessionCacheReader.MAX_BYTES + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        Files.write(cache().path(), big);
        assertThatThrownBy(() -> cache().read()).isInstanceOf(CorruptSessionCacheException.class).hasMessageContaining("larger than");
    }

    @Test
    void aStateOverTheBoundIsNotWrittenAndTheFileKeepsItsLastState() throws Exception {
        SessionCacheState good = CacheStates.numbered("w", 3);
        cache().write(good);
        // 70 users with a 1 MiB token each: more than the bound, without 30,000 real users.
        String huge = "t".repeat(1024 * 1024);
        List<UserSnapshot> users = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            users.add(CacheStates.loggedIn("user-" + i, "device", huge, "refresh-" + i, CacheStates.T0));
        }
        SessionCacheState tooBig = new SessionCacheState("device", "user-0", users);
        assertThatThrownBy(() -> cache().write(tooBig)).isInstanceOf(IOException.class)
                .hasMessageContaining("70 users").hasMessageContaining("more than the " + SessionCacheReader.MAX_BYTES)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("refresh-0").doesNotContain("tttt"));
        assertThat(cache().read()).contains(good);
    }

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFifoInPlaceOfTheFileIsNotOpened() throws Exception {
        assumePosix();
        Files.createDirectories(cache().directory(), PosixFilePermissions.asFileAttribute(PrivateFiles.DIRECTORY));
        mkfifo(cache().path());
        assertThatThrownBy(() -> cache().read()).isInstanceOf(CorruptSessionCacheException.class).hasMessageContaining("not a regular file");
    }

    /**
     * An app directory others may write is one where the file could have been swapped between
     * its check and its opening, or a FIFO planted: nothing in it is opened, and a write (which
     * takes the group and other permissions off first) replaces it.
     */
    @Test
    void nothingIsReadFromAnAppDirectoryWithGroupOrOtherPermissions() throws Exception {
        assumePosix();
        cache().write(CacheStates.numbered("w", 1));
        for (String loose : List.of("rwxrwx---", "rwx---rwx", "rwxr-x---")) {
            Files.setPosixFilePermissions(cache().directory(), PosixFilePermissions.fromString(loose));
            assertThatThrownBy(() -> cache().read()).isInstanceOf(CorruptSessionCacheException.class)
                    .hasMessageContaining(loose).hasMessageContaining("rwx------");
            assertThat(Files.getPosixFilePermissions(cache().directory())).as("reading changes nothing")
                    .isEqualTo(PosixFilePermissions.fromString(loose));
        }
        cache().write(CacheStates.numbered("w", 2));
        assertThat(Files.getPosixFilePermissions(cache().directory())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(cache().read()).contains(CacheStates.numbered("w", 2));
    }

    /** Opening a FIFO for writing blocks until a reader comes: the lock file is checked like the cache file before it is opened. */
    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFifoInPlaceOfTheLockFileIsNotOpened() throws Exception {
        assumePosix();
        cache().write(CacheStates.numbered("w", 1));
        Path lockFile = cache().directory().resolve(SessionCacheFile.LOCK_NAME);
        Files.delete(lockFile);
        mkfifo(lockFile);
        assertThatThrownBy(() -> cache().read()).isInstanceOf(UntrustedFileException.class).hasMessageContaining("is not a regular file");
        assertThatThrownBy(() -> cache().write(CacheStates.numbered("w", 2))).isInstanceOf(UntrustedFileException.class)
                .hasMessageContaining("is not a regular file");
        Files.setPosixFilePermissions(cache().directory(), PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> cache().read()).as("in a directory others may write, the lock file is not even looked at")
                .isInstanceOf(CorruptSessionCacheException.class).hasMessageContaining("rwxrwxrwx");
    }

    @Test
    void anotherUsersLockFileIsNotOpened() throws Exception {
        assumePosix();
        UserPrincipal nobody = nobodyIfRoot();
        cache().write(CacheStates.numbered("w", 1));
        Files.setOwner(cache().directory().resolve(SessionCacheFile.LOCK_NAME), nobody);
        assertThatThrownBy(() -> cache().read()).isInstanceOf(UntrustedFileException.class).hasMessageContaining("not to this process's user");
        assertThatThrownBy(() -> cache().write(CacheStates.numbered("w", 2))).isInstanceOf(UntrustedFileException.class)
                .hasMessageContaining("not to this process's user");
        assertThat(SessionCacheReader.read(Files.readAllBytes(cache().path()), APP_ID)).isEqualTo(CacheStates.numbered("w", 1));
    }

    @Test
    void aLockFileThatIsASymbolicLinkIsNotFollowed() throws Exception {
        cache().write(CacheStates.numbered("w", 1));
        Path lockFile = cache().directory().resolve(SessionCacheFile.LOCK_NAME);
        Path elsewhere = Files.writeString(data.resolve("elsewhere"), "not yours");
        Files.delete(lockFile);
        Files.createSymbolicLink(lockFile, elsewhere);
        assertThatThrownBy(() -> cache().read()).isInstanceOf(UntrustedFileException.class).hasMessageContaining("is a symbolic link");
        assertThatThrownBy(() -> cache().write(CacheStates.numbered("w", 2))).isInstanceOf(UntrustedFileException.class);
        assertThat(Files.readString(elsewhere)).isEqualTo("not yours");
    }

    /** The lock file holds nothing that could have leaked or been planted: its permissions are just taken back. */
    @Test
    void aLockFileOthersMayOpenIsMadeOwnerOnly() throws Exception {
        assumePosix();
        cache().write(CacheStates.numbered("w", 1));
        Path lockFile = cache().directory().resolve(SessionCacheFile.LOCK_NAME);
        Files.setPosixFilePermissions(lockFile, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThat(cache().read()).contains(CacheStates.numbered("w", 1));
        assertThat(Files.getPosixFilePermissions(lockFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    /** The lock file is open in this process only while an app of it uses or waits for the lock: nothing is left open behind. */
    @Test
    void theLockFileIsOpenOnlyWhileAnAppUsesIt() throws Exception {
        SessionCacheFile cache = cache();
        cache.write(CacheStates.numbered("w", 1));
        Object key = cache.lockKey();
        assertThat(SessionCacheLocks.PROCESS.isOpen(key)).isFalse();
        boolean openWhileHeld = cache.locked(() -> SessionCacheLocks.PROCESS.isOpen(key));
        assertThat(openWhileHeld).isTrue();
        assertThat(SessionCacheLocks.PROCESS.isOpen(key)).isFalse();
        assertThat(SessionCacheFile.in(data.resolve(".").resolve(APP_ID).getParent(), APP_ID).lockKey())
                .as("another path to the same directory names the same lock file").isEqualTo(key);
    }

    @Test
    void aClosedCacheIsNeitherReadNorWritten() throws Exception {
        SessionCacheFile cache = cache();
        cache.write(CacheStates.numbered("w", 1));
        cache.close();
        assertThatThrownBy(cache::read).isInstanceOf(IOException.class).hasMessageContaining("is closed");
        assertThatThrownBy(() -> cache.write(CacheStates.numbered("w", 2))).isInstanceOf(IOException.class).hasMessageContaining("is closed");
        assertThat(cache().read()).contains(CacheStates.numbered("w", 1));
    }

    /**
     * File locks belong to the process, and closing any descriptor of the lock file drops all of
     * them (POSIX fcntl): an app of this process that gives up waiting, or closes, must not take
     * the lock from the app that holds it. Only another process can see that.
     */
    @Test
    @Timeout(60)
    void anotherAppOfThisProcessGivingUpOrClosingLeavesTheLockWithItsHolder() throws Exception {
        SessionCacheFile holder = cache();
        holder.write(CacheStates.numbered("w", 1));
        Path lockFile = holder.directory().resolve(SessionCacheFile.LOCK_NAME);
        SessionCacheFile impatient = SessionCacheFile.in(data, APP_ID, Duration.ofMillis(200));
        String seenWhileHeld = holder.locked(() -> {
            assertThatThrownBy(impatient::read).isInstanceOf(IOException.class).hasMessageContaining("locked");
            assertThatThrownBy(() -> impatient.write(CacheStates.numbered("w", 2))).isInstanceOf(IOException.class)
                    .hasMessageContaining("locked");
            impatient.close();
            return LockFileProcess.probe(lockFile);
        });
        assertThat(seenWhileHeld).as("another process still finds the file locked").isEqualTo("held");
        assertThat(LockFileProcess.probe(lockFile)).as("and free once the holder is done").isEqualTo("free");
        assertThat(holder.read()).contains(CacheStates.numbered("w", 1));
    }

    @Test
    void anAppIdThatWouldLeaveTheDataDirectoryIsRefused() {
        for (String id : List.of(".", "..", "a/b", "")) {
            assertThatThrownBy(() -> SessionCacheFile.in(data, id)).isInstanceOfSatisfying(AuthException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION));
        }
        assertThat(SessionCacheFile.in(data, "...").path()).isEqualTo(data.resolve("...").resolve("session-cache.json"));
    }

    @Test
    void twoCachesOfOneProcessShareTheDirectoryWithoutTearingIt() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (String writer : List.of("a", "b", "c", "d")) {
                Callable<Void> hammer = () -> {
                    SessionCacheFile own = SessionCacheFile.in(data, APP_ID);
                    for (int n = 0; n < 100; n++) {
                        own.write(CacheStates.numbered(writer, n));
                        SessionCacheState read = own.read().orElseThrow();
                        assertThat(read).isEqualTo(CacheStates.rebuild(read));
                    }
                    return null;
                };
                done.add(threads.submit(hammer));
            }
            for (Future<Void> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        SessionCacheState last = cache().read().orElseThrow();
        assertThat(last).isEqualTo(CacheStates.rebuild(last));
    }

    /**
     * A real second JVM writes and reads the same cache while this one does, with two writers of
     * its own. Every read on either side, with the lock or without, is one whole state someone wrote.
     */
    @Test
    @Timeout(120)
    void twoProcessesShareTheDirectoryWithoutTearingIt() throws Exception {
        Path log = data.resolve("child.log");
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), SessionCacheHammer.class.getName(),
                data.toString(), "child", "300", "parent")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            SessionCacheFile lockFree = cache();
            boolean sawChild = false;
            List<Integer> writes = new ArrayList<>();
            ExecutorService second = Executors.newSingleThreadExecutor();
            try {
                Future<Integer> b = second.submit(() -> hammerWhile(child, "parent-b"));
                int a = 0;
                while (child.isAlive() || a < 100) {
                    cache().write(CacheStates.numbered("parent-a", a++));
                    Optional<SessionCacheState> locked = cache().read();
                    assertThat(locked).hasValueSatisfying(s -> assertThat(s).isEqualTo(CacheStates.rebuild(s)));
                    // Without the lock too: the rename alone must keep a reader from seeing half a file.
                    SessionCacheState raw = SessionCacheReader.read(Files.readAllBytes(lockFree.path()), APP_ID);
                    assertThat(raw).isEqualTo(CacheStates.rebuild(raw));
                    sawChild |= locked.get().deviceId().startsWith("child-") || raw.deviceId().startsWith("child-");
                }
                writes.add(a);
                writes.add(b.get(60, TimeUnit.SECONDS));
            } finally {
                second.shutdownNow();
            }
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as("the child process: %s", Files.readString(log)).isZero();
            assertThat(sawChild).as("this process read a state of the child: the two really overlapped").isTrue();
            assertThat(writes).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(100));
        } finally {
            child.destroyForcibly();
        }
        SessionCacheState last = cache().read().orElseThrow();
        assertThat(last).isEqualTo(CacheStates.rebuild(last));
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(Files.getPosixFilePermissions(cache().path(), LinkOption.NOFOLLOW_LINKS))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
    }

    private int hammerWhile(Process child, String writer) throws Exception {
        SessionCacheFile own = SessionCacheFile.in(data, APP_ID);
        int n = 0;
        while (child.isAlive() || n < 100) {
            own.write(CacheStates.numbered(writer, n++));
            SessionCacheState read = own.read().orElseThrow();
            assertThat(read).isEqualTo(CacheStates.rebuild(read));
        }
        return n;
    }

    private static void mkfifo(Path path) throws IOException, InterruptedException {
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", path.toString()).start();
        } catch (IOException e) {
            assumeTrue(false, "mkfifo is not installed");
            return;
        }
        assumeTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo failed");
    }

    private static UserPrincipal nobodyIfRoot() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "only root can give a file to another user; as " + System.getProperty("user.name") + " this cannot be set up");
        try {
            return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        } catch (IOException e) {
            assumeTrue(false, "there is no user 'nobody' to give the file to");
            throw e;
        }
    }
}
