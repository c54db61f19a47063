package dev.latchkey.core.client;

import dev.latchkey.core.engine.DaemonThreads;
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
 * can never land after a newer one. {@link #close()} waits for the last write.
 *
 * <p>Every problem is logged as one warning, without a token or the file's content, and otherwise
 * ignored: at start-up the app starts with no session; a failed write is tried again with the
 * next change (and warned about once until a write succeeds again). A data directory that cannot
 * be trusted (a link, another user's) turns the cache off for this run.
 */
final class FileSessionPersistence implements SessionPersistence {
    private static final System.Logger LOG = System.getLogger(FileSessionPersistence.class.getName());
    private static final long CLOSE_WAIT_SECONDS = 10;

    private final SessionCacheFile file;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(DaemonThreads.named("latchkey-session-cache"));
    private final Object lock = new Object();
    /** The newest state not yet handed to the writer; guarded by {@link #lock}. */
    private SessionCacheState pending;
    /** Whether the writer has a drain queued or running; guarded by {@link #lock}. */
    private boolean draining;
    /** Set at start-up when the directory cannot be trusted: nothing is written then. */
    private volatile boolean off;
    /** Writer thread only: whether the last write failed, so a run of failures warns once. */
    private boolean failing;

    FileSessionPersistence(SessionCacheFile file) {
        this.file = file;
    }

    @Override
    public Optional<SessionCacheState> restore() {
        try {
            file.checkDirectory();
        } catch (IOException e) {
            off = true;
            warn("the session cache is off for this run, users are kept in memory only: " + e.getMessage());
            return Optional.empty();
        }
        try {
            return file.read();
        } catch (CorruptSessionCacheException e) {
            warn("ignored the session cache " + file.path() + ": " + e.getMessage() + "; starting with no session");
        } catch (IOException e) {
            warn("ignored the session cache: " + describe(e) + "; starting with no session");
        } catch (RuntimeException e) {
            // A bug, but still no reason to stop the app. The class only: a message could quote the file.
            warn("ignored the session cache " + file.path() + ": " + e.getClass().getName() + "; starting with no session");
        }
        return Optional.empty();
    }

    @Override
    public void save(SessionCacheState state) {
        if (off) {
            return;
        }
        synchronized (lock) {
            pending = state;
            if (draining) {
                return;
            }
            try {
                writer.execute(this::drain);
                draining = true;
            } catch (RejectedExecutionException closed) {
                // Closed: a change after close() is not kept.
                pending = null;
            }
        }
    }

    /** Whether a write is queued or running; for tests. */
    boolean busy() {
        synchronized (lock) {
            return draining;
        }
    }

    private void drain() {
        while (true) {
            SessionCacheState next;
            synchronized (lock) {
                next = pending;
                pending = null;
                if (next == null) {
                    draining = false;
                    return;
                }
            }
            writeOne(next);
        }
    }

    private void writeOne(SessionCacheState state) {
        try {
            file.write(state);
            if (failing) {
                LOG.log(System.Logger.Level.INFO, "the session cache {0} is written again", file.path());
                failing = false;
            }
        } catch (IOException | RuntimeException e) {
            if (!failing) {
                String why = e instanceof IOException io ? describe(io) : e.getClass().getName();
                warn("could not write the session cache " + file.path() + ": " + why + "; trying again at the next change");
            }
            failing = true;
        }
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                warn("the session cache " + file.path() + " was still being written when the app closed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Our own checks throw plain {@link IOException}s whose message says it all (and names the
     * path); the JDK's subclasses (AccessDeniedException, ...) say what happened by their class.
     */
    private static String describe(IOException e) {
        return e.getClass() == IOException.class ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static void warn(String message) {
        // Paths come from configuration: no CR/LF may forge a second log line.
        LOG.log(System.Logger.Level.WARNING, Printable.cut(message, 2000));
    }
}
