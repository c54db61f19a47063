package dev.latchkey.core.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * This process's session cache lock files: one open descriptor per lock file, shared by every app
 * of the process that uses it, and one turn at a time among those apps.
 *
 * <p>It is process-wide because file locks are. A POSIX (fcntl) lock belongs to the process, and
 * closing <em>any</em> descriptor of the file releases every lock the process holds on it; the
 * JVM only keeps a table so that a second {@code lock()} in the process throws
 * {@link OverlappingFileLockException}. So a descriptor of a lock file may only be closed when no
 * app of the process holds or is about to take its lock, and only something that sees every app
 * of the process can know that. Each app keeping a descriptor of its own and closing it while it
 * holds the lock is not enough: {@link FileChannel#close()} first releases the lock and removes it
 * from the JVM's table, then closes the descriptor, and another app that takes the lock in between
 * loses it at that close (seen in about one close in four with a waiting app); and a descriptor an
 * app never closed is closed by the JDK's cleaner whenever the garbage collector finds it, holding
 * nothing. See docs/decisions.md, "Session cache".
 *
 * <p>A descriptor is opened when the first app of the process needs the file and closed, under
 * this table's lock, when the last one is done with it, so an app that is never closed leaves
 * nothing open. Apps of the process take turns with a fair semaphore and then take the file lock
 * with {@code tryLock()} in short random pauses, so that another process holding it costs at most
 * the wait given, never a thread stuck for good. Neither {@code tryLock()} nor
 * {@link FileLock#release()} can be interrupted, so an interrupt never closes the shared channel.
 */
final class SessionCacheLocks {
    /** The process's table: the one piece of static state, for the reason above. */
    static final SessionCacheLocks PROCESS = new SessionCacheLocks();

    private final Map<Object, Entry> open = new HashMap<>();

    private SessionCacheLocks() {
    }

    /** Opens a lock file that this table has no descriptor of. */
    interface Opener {
        FileChannel open() throws IOException;
    }

    /**
     * Takes the lock of a lock file, waiting for the other apps of this process and for other
     * processes until a deadline.
     *
     * @param key what identifies the lock file before it is opened (its directory's file key)
     * @param opener opens the lock file when no app of this process has it open
     * @param wait how long to wait, for the other apps of this process and other processes together
     * @param what names the cache in messages
     * @return the lock, to release once
     * @throws IOException when the file cannot be opened, or stays locked until the deadline
     *     ({@link InterruptedIOException} when the thread is interrupted while it waits)
     */
    Held lock(Object key, Opener opener, Duration wait, String what) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        Entry entry = join(key, opener);
        boolean held = false;
        try {
            takeTurn(entry, deadline, wait, what);
            try {
                FileLock fileLock = lockFile(entry.channel, deadline, wait, what);
                held = true;
                return new Held(entry, fileLock);
            } finally {
                if (!held) {
                    entry.turn.release();
                }
            }
        } finally {
            if (!held) {
                leave(entry);
            }
        }
    }

    /** Whether this process has the lock file of {@code key} open; for tests. */
    boolean isOpen(Object key) {
        synchronized (open) {
            return open.containsKey(key);
        }
    }

    private Entry join(Object key, Opener opener) throws IOException {
        synchronized (open) {
            Entry entry = open.get(key);
            if (entry == null || !entry.channel.isOpen()) {
                // Opened while holding the table's lock: no other descriptor of this file can be
                // opened or closed in this process meanwhile.
                entry = new Entry(key, opener.open());
                open.put(key, entry);
            }
            entry.users++;
            return entry;
        }
    }

    private void leave(Entry entry) throws IOException {
        synchronized (open) {
            entry.users--;
            if (entry.users == 0) {
                open.remove(entry.key, entry);
                // Nobody in this process holds or waits for this lock, and nobody can start to
                // until we let go of the table: closing the descriptor drops no one's lock.
                entry.channel.close();
            }
        }
    }

    private static void takeTurn(Entry entry, long deadline, Duration wait, String what) throws IOException {
        try {
            if (!entry.turn.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new IOException(what + " stayed locked by another app of this process for " + wait.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the lock of " + what);
        }
    }

    private static FileLock lockFile(FileChannel channel, long deadline, Duration wait, String what) throws IOException {
        while (true) {
            try {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return lock;
                }
            } catch (OverlappingFileLockException lockedInThisProcessOutsideThisTable) {
                // Not by an app: by other code of this process that opened the file itself. Wait as for another process.
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("interrupted while waiting for the lock of " + what);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException(what + " stayed locked by another process for " + wait.toMillis() + " ms");
            }
            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(100_000, 2_000_000));
        }
    }

    /** The lock of one lock file, held by one app; {@link #release()} it once. */
    final class Held {
        private final Entry entry;
        private final FileLock fileLock;

        private Held(Entry entry, FileLock fileLock) {
            this.entry = entry;
            this.fileLock = fileLock;
        }

        /**
         * Releases the file lock, gives the next app of this process its turn, and closes the
         * descriptor if no app of this process needs it any more.
         *
         * @throws IOException when the lock cannot be released (the work done under it stands)
         */
        void release() throws IOException {
            try {
                fileLock.release();
            } finally {
                entry.turn.release();
                leave(entry);
            }
        }
    }

    /** One open lock file: its descriptor, whose turn it is, and how many apps are using or waiting for it. */
    private static final class Entry {
        final Object key;
        final FileChannel channel;
        final Semaphore turn = new Semaphore(1, true);
        /** Guarded by the table. */
        int users;

        Entry(Object key, FileChannel channel) {
            this.key = key;
            this.channel = channel;
        }
    }
}
