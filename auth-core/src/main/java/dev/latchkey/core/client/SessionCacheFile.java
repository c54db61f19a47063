package dev.latchkey.core.client;

import dev.latchkey.core.files.PrivateFiles;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.nio.channels.OverlappingFileLockException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

/**
 * The session cache on disk: {@code <dataDirectory>/<appId>/session-cache.json}, owner-only
 * (0600 in a 0700 directory), replaced atomically, guarded by an exclusive lock on
 * {@code session-cache.lock} beside it so that several processes (and several apps of one
 * process) can share the directory without tearing the file.
 *
 * <p>A write goes to {@code session-cache.json.tmp}, is forced to disk, then renamed over the
 * cache file in one atomic step, and the directory is forced too, so after a crash the file is
 * either the old state or the new one, whole. A read checks the file before it trusts it (see
 * {@link PrivateFiles#checkFile}) and parses it with {@link SessionCacheReader}. Both block the
 * calling thread on I/O and on the lock; the app calls them from its writer thread and at start-up.
 */
final class SessionCacheFile {
    /** How long an app waits for another app of this process to finish with the file. */
    private static final long LOCK_WAIT_NANOS = 10_000_000_000L;
    static final String FILE_NAME = "session-cache.json";
    static final String LOCK_NAME = "session-cache.lock";
    static final String TEMP_NAME = "session-cache.json.tmp";
    /** The app id is a directory name here: "." and ".." would leave the data directory. */
    private static final Pattern SAFE_APP_ID = Pattern.compile("(?!\\.{1,2}$)[A-Za-z0-9_.-]{1,64}");

    private final String appId;
    private final Path directory;
    private final Path file;
    private final PrivateFiles files;

    private SessionCacheFile(String appId, Path directory) {
        this.appId = appId;
        this.directory = directory;
        this.file = directory.resolve(FILE_NAME);
        this.files = new PrivateFiles(directory);
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
        if (appId == null || !SAFE_APP_ID.matcher(appId).matches()) {
            throw new AuthException(ErrorCode.CONFIGURATION, "the session cache needs an app id of 1-64 letters, digits, '_', '-'"
                    + " or '.' that is not '.' or '..': it names the app's directory under the data directory");
        }
        return new SessionCacheFile(appId, dataDirectory.resolve(appId));
    }

    /** The cache file's path. */
    Path path() {
        return file;
    }

    /** The app's directory, where the cache file, its lock file and its temporary file live. */
    Path directory() {
        return directory;
    }

    /**
     * Checks the app's directory if it exists: a directory, not a link, ours.
     *
     * @throws IOException with a message fit for a log line when it cannot be trusted
     */
    void checkDirectory() throws IOException {
        if (Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            files.checkDirectory(directory);
        }
    }

    /**
     * Reads the cache.
     *
     * @return the state, or empty when there is no cache yet
     * @throws IOException when the directory or the file cannot be trusted or read (the message fits a log line)
     * @throws CorruptSessionCacheException when the content is not a valid cache of this app
     */
    Optional<SessionCacheState> read() throws IOException, CorruptSessionCacheException {
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        files.checkDirectory(directory);
        return locked(() -> {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            // Checked before it is opened: opening a FIFO planted here would block for ever.
            files.checkFile(file, SessionCacheReader.MAX_BYTES);
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
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
     * @throws IOException when the directory cannot be made or trusted, or the file cannot be written
     */
    void write(SessionCacheState state) throws IOException {
        byte[] bytes = SessionCacheWriter.write(appId, state);
        files.createDirectory(directory);
        locked(() -> {
            replace(bytes);
            return null;
        });
    }

    private void replace(byte[] bytes) throws IOException {
        Path temp = directory.resolve(TEMP_NAME);
        // A leftover of a writer that died; we hold the lock, so nobody is writing it now.
        Files.deleteIfExists(temp);
        try {
            try (FileChannel out = FileChannel.open(temp,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), files.fileAttributes())) {
                files.restrict(temp);
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            // rename(2): readers, here or in another process, see the old file or the new one, never a mix.
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        forceDirectory();
    }

    /** Makes the rename itself durable. Not every platform can open a directory (Windows cannot); the rename stays atomic there. */
    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException notSupportedHere) {
            // Durable at the file system's next flush instead of now.
        }
    }

    /** Runs holding the lock file's lock, which orders this app against every other app, in this process or another. */
    private <T, E extends Exception> T locked(LockedAction<T, E> action) throws IOException, E {
        Path lockFile = directory.resolve(LOCK_NAME);
        try (FileChannel channel = FileChannel.open(lockFile,
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), files.fileAttributes())) {
            FileLock fileLock = lock(channel);
            try {
                files.restrict(lockFile);
                return action.run();
            } finally {
                fileLock.release();
            }
        }
    }

    /**
     * Takes the file lock. Another process holding it makes {@code lock()} wait; another app in
     * this process makes it throw, as the JVM keeps file locks per process, so then we wait our
     * turn with short random pauses (rather than keep a process-wide table of locks: no static state).
     */
    private static FileLock lock(FileChannel channel) throws IOException {
        long deadline = System.nanoTime() + LOCK_WAIT_NANOS;
        while (true) {
            try {
                return channel.lock();
            } catch (OverlappingFileLockException heldByThisProcess) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException("the session cache stayed locked by another app of this process for 10 s");
                }
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(100_000, 2_000_000));
            }
        }
    }

    @Override
    public String toString() {
        return "SessionCacheFile[" + file + "]";
    }

    /** Work done while holding both locks. */
    private interface LockedAction<T, E extends Exception> {
        T run() throws IOException, E;
    }
}
