package dev.latchkey.core.client;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One in-process lock per lock file. The JVM holds {@link java.nio.channels.FileLock}s for the
 * whole process: a second {@code lock()} on the same file from this process, even from another
 * app, throws {@link java.nio.channels.OverlappingFileLockException} instead of waiting. So
 * threads of this process queue here first, and only the one at the front takes the file lock,
 * which then orders it against other processes.
 *
 * <p>This is the one piece of static mutable state in the client layer, deliberately: it mirrors
 * the JVM's own per-process table of file locks, so it has to be per process too. It only grows
 * by one small lock per distinct cache directory the process ever used.
 */
final class ProcessFileLocks {
    private static final ConcurrentMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private ProcessFileLocks() {
    }

    /**
     * The in-process lock for a lock file.
     *
     * @param realPath the lock file's real path (symbolic links resolved, so that two spellings of
     *     one directory share the lock)
     * @return the lock, the same one for every caller with that path
     */
    static ReentrantLock forFile(Path realPath) {
        return LOCKS.computeIfAbsent(realPath, p -> new ReentrantLock());
    }
}
