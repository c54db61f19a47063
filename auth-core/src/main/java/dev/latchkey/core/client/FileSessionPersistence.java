package dev.latchkey.core.client;

import dev.latchkey.core.engine.DaemonThreads;
import dev.latchkey.core.files.UntrustedFileException;
import dev.latchkey.core.text.Printable;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Keeps an app's users in a {@link SessionCacheFile}. Writes happen behind the app, on one thread
 * of their own, so no caller waits for a disk (or for another process's lock) while holding the
 * app's lock. Only the newest state is written: a state saved while a write is running replaces
 * any state still waiting, and the single writer thread writes them in order, so an older state
 * can never land after a newer one. {@link #close()} waits for the last write, and tries it again
 * if it failed.
 *
 * <p>Every problem is logged as one warning, without a token or the file's content. At start-up,
 * a damaged or untrusted cache file means no session, and a good cache replaces it; any other
 * failure (a directory or lock file that cannot be trusted, a read the OS refused or that failed,
 * a lock held too long elsewhere, an interrupt) turns the cache off for the run, so that a
 * passing failure never costs the users a good cache. A failed write is tried again with the next
 * change and at close (and warned about once until a write succeeds again).
 */
final class FileSessionPersistence implements SessionPersistence {
    private static final System.Logger LOG = System.getLogger(FileSessionPersistence.class.getName());
    private static final long CLOSE_WAIT_SECONDS = 10;
    /** Pauses between the tries close() gives a state whose write failed; one more try than pauses. */
    private static final long[] CLOSE_RETRY_PAUSES_MILLIS = {100, 400};

    private final SessionCacheFile file;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(DaemonThreads.named("latchkey-session-cache"));
    private final Object lock = new Object();
    /** The newest state not yet handed to the writer; guarded by {@link #lock}. */
    private SessionCacheState pending;
    /** Whether the writer has a drain queued or running; guarded by {@link #lock}. */
    private boolean draining;
    /** Whether close() has begun: later states are dropped; guarded by {@link #lock}. */
    private boolean closed;
    /** Set at start-up when the cache must not be written in this run. */
    private volatile boolean off;
    /** Writer thread only: whether the last write failed, so a run of failures warns once. */
    private boolean failing;
    /** Writer thread only: the newest state whose write did not succeed (null once a newer one has), for close() to try again. */
    private volatile SessionCacheState unwritten;

    FileSessionPersistence(SessionCacheFile file) {
        this.file = file;
    }

    @Override
    public Optional<SessionCacheState> restore() {
        try {
            return file.read();
        } catch (CorruptSessionCacheException e) {
            warn("ignored the session cache " + file.path() + ": " + e.getMessage() + "; starting with no session");
        } catch (IOException e) {
            turnOff(describe(e));
        } catch (RuntimeException e) {
            // A bug, but no reason to stop the app, nor to overwrite a cache that may be good.
            // The class only: a message could quote the file.
            turnOff(file.path() + ": " + e.getClass().getName());
        }
        return Optional.empty();
    }

    private void turnOff(String why) {
        off = true;
        warn("the session cache is off for this run, users are kept in memory only and the file is left as it is: " + why);
    }

    @Override
    public void save(SessionCacheState state) {
        if (off) {
            return;
        }
        synchronized (lock) {
            if (closed) {
                // A change after close() is not kept.
                return;
            }
            pending = state;
            if (!draining) {
                startDrain();
            }
        }
    }

    /** Whether a write is queued or running; for tests. */
    boolean busy() {
        synchronized (lock) {
            return draining;
        }
    }

    /** Guarded by {@link #lock}. */
    private void startDrain() {
        try {
            writer.execute(this::drain);
            draining = true;
        } catch (RejectedExecutionException shutDown) {
            pending = null;
        }
    }

    private void drain() {
        boolean finished = false;
        try {
            while (true) {
                SessionCacheState next;
                synchronized (lock) {
                    next = pending;
                    pending = null;
                    if (next == null) {
                        draining = false;
                        finished = true;
                        return;
                    }
                }
                writeOne(next);
            }
        } finally {
            if (!finished) {
                // An Error escaped a write: the writer thread dies with it, but the next state must
                // still be written, by a new thread, and save() must not wait for a drain that is gone.
                synchronized (lock) {
                    draining = false;
                    if (pending != null && !closed) {
                        startDrain();
                    }
                }
            }
        }
    }

    private void writeOne(SessionCacheState state) {
        unwritten = state;
        try {
            file.write(state);
            unwritten = null;
            if (failing) {
                LOG.log(System.Logger.Level.INFO, "the session cache {0} is written again", file.path());
                failing = false;
            }
        } catch (IOException | RuntimeException e) {
            if (!failing) {
                warn("could not write the session cache " + file.path() + ": " + why(e)
                        + "; trying again at the next change and when the app closes");
            }
            failing = true;
        }
    }

    /**
     * The writer's last task: the state that is still to be written, if any, or else the newest
     * one whose write failed, tried a few times (the last change before close() has no next
     * change to carry it, and it may be a log-out that must take a refresh token off the disk).
     */
    private void finish() {
        SessionCacheState last;
        synchronized (lock) {
            last = pending;
            pending = null;
        }
        if (last == null) {
            last = unwritten;
        }
        if (last == null) {
            return;
        }
        for (int attempt = 0; ; attempt++) {
            try {
                file.write(last);
                unwritten = null;
                if (failing) {
                    LOG.log(System.Logger.Level.INFO, "the session cache {0} is written again", file.path());
                    failing = false;
                }
                return;
            } catch (IOException | RuntimeException e) {
                if (attempt == CLOSE_RETRY_PAUSES_MILLIS.length) {
                    warn("could not write the session cache " + file.path() + " before the app closed: " + why(e)
                            + "; the file keeps an older state, which may hold tokens of users since logged out or removed");
                    return;
                }
            }
            try {
                TimeUnit.MILLISECONDS.sleep(CLOSE_RETRY_PAUSES_MILLIS[attempt]);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        boolean writing;
        synchronized (lock) {
            writing = !closed && !off;
            closed = true;
        }
        if (writing) {
            try {
                writer.execute(this::finish);
            } catch (RejectedExecutionException alreadyShutDown) {
                // Closed before.
            }
        }
        writer.shutdown();
        try {
            if (!writer.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                warn("the session cache " + file.path() + " was still being written when the app closed; that write is abandoned");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        file.close();
    }

    private static String why(Exception e) {
        return e instanceof IOException io ? describe(io) : e.getClass().getName();
    }

    /**
     * Our own checks throw plain {@link IOException}s (or {@link UntrustedFileException}s) whose
     * message says it all (and names the path); the JDK's subclasses (AccessDeniedException, ...)
     * say what happened by their class.
     */
    private static String describe(IOException e) {
        return e.getClass() == IOException.class || e instanceof UntrustedFileException
                ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static void warn(String message) {
        // Paths come from configuration: no CR/LF may forge a second log line.
        LOG.log(System.Logger.Level.WARNING, Printable.cut(message, 2000));
    }
}
