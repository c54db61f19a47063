package dev.latchkey.core.client;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.core.files.PrivateFiles;
import dev.latchkey.core.files.UntrustedFileException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The session cache on disk: {@code <dataDirectory>/<appId>/session-cache.json}, owner-only
 * (0600 in a 0700 directory), replaced atomically, guarded by an exclusive lock on
 * {@code session-cache.lock} beside it so that several processes (and several apps of one
 * process) can share the directory without tearing the file.
 *
 * <p>A write goes to a temporary file of its own ({@code session-cache.json.<random>.tmp}), is
 * forced to disk, then renamed over the cache file in one atomic step, and the directory is forced
 * too, so after a crash the file is either the old state or the new one, whole. A read trusts
 * nothing it has not checked: the directory (ours, not a link, nobody else's permissions), the
 * lock file and the cache file (regular, not a link, ours, 0600) are checked before they are
 * opened, and the cache is parsed with {@link SessionCacheReader}. Both block the calling thread
 * on I/O and on the lock (for at most the lock wait); the app calls them from its writer thread
 * and at start-up.
 *
 * <p>The lock file is opened and closed only through {@link SessionCacheLocks}, never here: a
 * descriptor of it closed at the wrong moment drops the lock of every app of the process.
 */
final class SessionCacheFile {
    /** How long a read or write waits for the lock, held by another app of this process or another process. */
    static final Duration LOCK_WAIT = Duration.ofSeconds(10);
    static final String FILE_NAME = "session-cache.json";
    static final String LOCK_NAME = "session-cache.lock";
    /** Temporary files are {@code session-cache.json.<random>.tmp}; the old fixed {@code session-cache.json.tmp} matches too. */
    static final String TEMP_PREFIX = FILE_NAME + ".";
    static final String TEMP_SUFFIX = ".tmp";
    /** The app id is a directory name here: "." and ".." would leave the data directory. */
    private static final Pattern SAFE_APP_ID = Pattern.compile("(?!\\.{1,2}$)[A-Za-z0-9_.-]{1,64}");

    private final String appId;
    private final Path directory;
    private final Path file;
    private final PrivateFiles files;
    private final Duration lockWait;
    private final String name;
    private volatile boolean closed;
    private volatile Hook beforeEachWrite = Hook.NONE;

    private SessionCacheFile(String appId, Path directory, Duration lockWait) {
        this.appId = appId;
        this.directory = directory;
        this.file = directory.resolve(FILE_NAME);
        this.files = new PrivateFiles(directory);
        this.lockWait = lockWait;
        this.name = "the session cache " + file;
    }

    /**
     * The cache of an app under a data directory. Nothing is touched until the first read or write.
     *
     * @param dataDirectory the data directory
     * @param appId the app's id, which names its directory
     * @return the cache file
     * @throws AuthException {@link ErrorCode#CONFIGURATION} when the app id cannot name a directory
     */
    static SessionCacheFile in(Path dataDirectory, String appId) {
        return in(dataDirectory, appId, LOCK_WAIT);
    }

    /** As {@link #in(Path, String)}, waiting {@code lockWait} for the lock; for tests. */
    static SessionCacheFile in(Path dataDirectory, String appId, Duration lockWait) {
        if (appId == null || !SAFE_APP_ID.matcher(appId).matches()) {
            throw new AuthException(ErrorCode.CONFIGURATION, "the session cache needs an app id of 1-64 letters, digits, '_', '-'"
                    + " or '.' that is not '.' or '..': it names the app's directory under the data directory");
        }
        return new SessionCacheFile(appId, dataDirectory.resolve(appId), lockWait);
    }

    /** The cache file's path. */
    Path path() {
        return file;
    }

    /** The app's directory, where the cache file, its lock file and its temporary files live. */
    Path directory() {
        return directory;
    }

    /**
     * Reads the cache.
     *
     * @return the state, or empty when there is no cache yet
     * @throws CorruptSessionCacheException when the file is not a valid cache of this app, or is
     *     not to be trusted (a link, not a regular file, another user's, open to others, too
     *     large, or in a directory others may write): a good cache may replace it
     * @throws IOException when the cache cannot be read, or its directory or lock file cannot be
     *     trusted: nothing may replace it in this run (the message fits a log line)
     */
    Optional<SessionCacheState> read() throws IOException, CorruptSessionCacheException {
        ensureOpen();
        try {
            files.checkDirectory(directory);
        } catch (NoSuchFileException none) {
            return Optional.empty();
        }
        try {
            // Before anything in it is opened: in a directory others may write, a checked file
            // could be swapped before it is opened, or a FIFO planted (opening one blocks).
            files.checkPrivateDirectory(directory);
        } catch (UntrustedFileException e) {
            throw new CorruptSessionCacheException(e.getMessage());
        }
        return locked(() -> {
            BasicFileAttributes checked;
            try {
                checked = files.checkPrivateFile(file, SessionCacheReader.MAX_BYTES);
            } catch (NoSuchFileException none) {
                return Optional.empty();
            } catch (UntrustedFileException e) {
                throw new CorruptSessionCacheException(e.getMessage());
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                requireSame(file, checked);
                // Bounded again while reading: the size checked above may have grown since.
                bytes = in.readNBytes(SessionCacheReader.MAX_BYTES + 1);
            }
            return Optional.of(SessionCacheReader.read(bytes, appId));
        });
    }

    /**
     * Replaces the cache with a state, atomically.
     *
     * @param state the state
     * @throws IOException when the directory cannot be made or trusted, the file cannot be written,
     *     or the state is larger than a cache file may be (the file on disk is then left as it was)
     */
    void write(SessionCacheState state) throws IOException {
        ensureOpen();
        beforeEachWrite.run();
        byte[] bytes = SessionCacheWriter.write(appId, state);
        if (bytes.length > SessionCacheReader.MAX_BYTES) {
            // Never write what the reader would refuse: the next start would find no users at all.
            throw new IOException("the session cache of " + state.users().size() + " users would take " + bytes.length
                    + " bytes, more than the " + SessionCacheReader.MAX_BYTES + " a cache file may hold; the file keeps its"
                    + " last state (remove users the app no longer needs)");
        }
        files.createDirectory(directory);
        locked(() -> {
            replace(bytes);
            return null;
        });
    }

    /** No read or write after this: an app that is closed leaves its directory alone. */
    void close() {
        closed = true;
    }

    /** Runs {@code hook} at the start of every write; for tests that need a write to fail. */
    void beforeEachWrite(Hook hook) {
        this.beforeEachWrite = Objects.requireNonNull(hook);
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException(name + " is closed");
        }
    }

    private void replace(byte[] bytes) throws IOException {
        deleteTemporaryFiles();
        Path temp = null;
        try {
            FileChannel out = null;
            for (int attempt = 0; out == null; attempt++) {
                // Our own name: another writer (of an older version, or one whose lock was lost)
                // can neither delete nor overwrite it while we write.
                temp = directory.resolve(TEMP_PREFIX + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX);
                try {
                    out = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                            files.fileAttributes());
                } catch (FileAlreadyExistsException taken) {
                    temp = null;
                    if (attempt == 9) {
                        throw taken;
                    }
                }
            }
            try (FileChannel channel = out) {
                files.restrict(temp);
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            // rename(2): readers, here or in another process, see the old file or the new one, never a mix.
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            temp = null;
        } finally {
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
        }
        forceDirectory();
    }

    /**
     * Deletes the temporary files of writers that died mid-write. Every writer creates, renames
     * or deletes its temporary file while it holds the lock, and we hold it: none is being written.
     */
    private void deleteTemporaryFiles() throws IOException {
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(directory, SessionCacheFile::isTemporary)) {
            for (Path temp : temps) {
                try {
                    // Deletes a link itself, never what it points at.
                    Files.deleteIfExists(temp);
                } catch (IOException leftForNextTime) {
                    // A directory planted under that name, say: in the way of nothing, since our names are new each time.
                }
            }
        }
    }

    private static boolean isTemporary(Path path) {
        String fileName = path.getFileName().toString();
        return fileName.startsWith(TEMP_PREFIX) && fileName.endsWith(TEMP_SUFFIX);
    }

    /** Makes the rename itself durable. Not every platform can open a directory (Windows cannot); the rename stays atomic there. */
    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException notSupportedHere) {
            // Durable at the file system's next flush instead of now.
        }
    }

    /**
     * Runs holding the lock file's lock, which orders this app against every other app, in this
     * process or another. Package-private for tests that hold the lock while other apps try.
     */
    <T, E extends Exception> T locked(LockedAction<T, E> action) throws IOException, E {
        SessionCacheLocks.Held held = SessionCacheLocks.PROCESS.lock(lockKey(), this::openLockFile, lockWait, name);
        T result;
        try {
            result = action.run();
        } catch (Throwable t) {
            try {
                held.release();
            } catch (IOException | RuntimeException suppressed) {
                t.addSuppressed(suppressed);
            }
            throw t;
        }
        held.release();
        return result;
    }

    /**
     * What names the lock file in this process before it is opened: the app directory's identity
     * (device and inode), so that two paths to one directory share one descriptor.
     */
    Object lockKey() throws IOException {
        Object key = Files.readAttributes(directory, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        return key != null ? key : directory.toRealPath().toString();
    }

    /**
     * Opens the lock file, creating it if it is missing. Called by {@link SessionCacheLocks} only
     * when no app of this process has it open. What is there is checked before it is opened
     * (opening a FIFO planted there would block for good) in a directory only we may change.
     */
    private FileChannel openLockFile() throws IOException {
        files.checkPrivateDirectory(directory);
        Path lockFile = directory.resolve(LOCK_NAME);
        for (int attempt = 0; ; attempt++) {
            BasicFileAttributes checked;
            try {
                checked = files.checkRegularFile(lockFile);
            } catch (NoSuchFileException none) {
                try {
                    FileChannel created = FileChannel.open(lockFile,
                            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), files.fileAttributes());
                    try {
                        files.restrict(lockFile);
                    } catch (IOException | RuntimeException e) {
                        // Nobody in this process has another descriptor of it: closing this one drops no lock.
                        created.close();
                        throw e;
                    }
                    return created;
                } catch (FileAlreadyExistsException racedWithAnotherProcess) {
                    if (attempt == 2) {
                        throw racedWithAnotherProcess;
                    }
                    continue;
                }
            }
            if (!files.ownerOnly(checked)) {
                // It holds nothing to leak or to plant; only whoever may open it could hold its lock.
                files.restrict(lockFile);
            }
            FileChannel channel = FileChannel.open(lockFile, Set.of(StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
            try {
                requireSame(lockFile, checked);
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            return channel;
        }
    }

    /** After opening a checked file: still the file that was checked (its file key), not one put there since. */
    private static void requireSame(Path path, BasicFileAttributes checked) throws IOException {
        Object before = checked.fileKey();
        if (before == null) {
            return;
        }
        Object now = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        if (!before.equals(now)) {
            throw new UntrustedFileException(path + " was replaced while it was being opened");
        }
    }

    @Override
    public String toString() {
        return "SessionCacheFile[" + file + "]";
    }

    /** Work done while holding the lock. */
    interface LockedAction<T, E extends Exception> {
        T run() throws IOException, E;
    }

    /** A step a test puts into every write. */
    interface Hook {
        Hook NONE = () -> { };

        void run() throws IOException;
    }
}
