package dev.latchkey.core.client;

import static dev.latchkey.core.client.CacheStates.APP_ID;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Writing behind the app: never blocking the caller, never an older state after a newer one, never giving up. */
class FileSessionPersistenceTest {
    @TempDir
    Path data;

    @Test
    void theLastSavedStateIsTheOneOnDiskAfterClose() throws Exception {
        SessionCacheFile file = SessionCacheFile.in(data, APP_ID);
        FileSessionPersistence persistence = new FileSessionPersistence(file);
        for (int n = 0; n < 500; n++) {
            persistence.save(CacheStates.numbered("w", n));
        }
        persistence.close();
        assertThat(onDisk()).contains(CacheStates.numbered("w", 499));
    }

    @Test
    @Timeout(60)
    void aSaveReturnsWhileTheWriterWaitsForAnotherProcessToReleaseTheLock() throws Exception {
        SessionCacheFile file = SessionCacheFile.in(data, APP_ID);
        file.write(CacheStates.numbered("w", 0));
        FileSessionPersistence persistence = new FileSessionPersistence(file);
        LockFileProcess.Holder held = LockFileProcess.hold(file.directory().resolve(SessionCacheFile.LOCK_NAME));
        try {
            for (int n = 1; n <= 50; n++) {
                persistence.save(CacheStates.numbered("w", n));
            }
            // Reached although no write can finish while the other process holds the lock:
            // saving never waits for the disk or the lock.
            assertThat(persistence.busy()).as("the writer waits for the lock").isTrue();
            assertThat(SessionCacheReader.read(Files.readAllBytes(file.path()), APP_ID)).isEqualTo(CacheStates.numbered("w", 0));
        } finally {
            held.release();
        }
        persistence.close();
        assertThat(onDisk()).contains(CacheStates.numbered("w", 50));
    }

    @Test
    void aFailedWriteIsTriedAgainWithTheNextChange() throws Exception {
        Path blocked = Files.writeString(data.resolve(APP_ID), "a file where the app's directory should be");
        SessionCacheFile file = SessionCacheFile.in(data, APP_ID);
        FileSessionPersistence persistence = new FileSessionPersistence(file);
        persistence.save(CacheStates.numbered("w", 1));
        awaitIdle(persistence);
        Files.delete(blocked);
        persistence.save(CacheStates.numbered("w", 2));
        persistence.close();
        assertThat(onDisk()).contains(CacheStates.numbered("w", 2));
    }

    /** The last change before close() has no next change to carry it: close() tries it again. */
    @Test
    void aFailedLastWriteIsTriedAgainAtClose() throws Exception {
        Path blocked = Files.writeString(data.resolve(APP_ID), "a file where the app's directory should be");
        SessionCacheFile file = SessionCacheFile.in(data, APP_ID);
        FileSessionPersistence persistence = new FileSessionPersistence(file);
        persistence.save(CacheStates.numbered("w", 1));
        awaitIdle(persistence);
        Files.delete(blocked);
        persistence.close();
        assertThat(onDisk()).contains(CacheStates.numbered("w", 1));
    }

    @Test
    void anErrorEscapingAWriteDoesNotStopTheWritesAfterIt() throws Exception {
        SessionCacheFile file = SessionCacheFile.in(data, APP_ID);
        AtomicBoolean first = new AtomicBoolean(true);
        file.beforeEachWrite(() -> {
            if (first.getAndSet(false)) {
                throw new Error("thrown by the test in the writer thread");
            }
        });
        FileSessionPersistence persistence = new FileSessionPersistence(file);
        persistence.save(CacheStates.numbered("w", 1));
        awaitIdle(persistence);
        persistence.save(CacheStates.numbered("w", 2));
        awaitIdle(persistence);
        assertThat(onDisk()).as("written before close").contains(CacheStates.numbered("w", 2));
        persistence.close();
    }

    /**
     * SECURITY.md 28 and the other side of it: only a damaged or untrusted file is replaced. A
     * read that fails for any other reason (here: the thread is interrupted) may be passing, and
     * the file may hold every user's refresh token, so the cache is off for the run instead.
     */
    @Test
    void aStartUpThatIsInterruptedLeavesTheFileAsItWasAndWritesNothing() throws Exception {
        SessionCacheFile file = SessionCacheFile.in(data, APP_ID);
        file.write(CacheStates.numbered("w", 1));
        byte[] before = Files.readAllBytes(file.path());
        FileSessionPersistence persistence = new FileSessionPersistence(SessionCacheFile.in(data, APP_ID));
        Thread.currentThread().interrupt();
        try {
            assertThat(persistence.restore()).isEmpty();
        } finally {
            Thread.interrupted();
        }
        persistence.save(CacheStates.numbered("w", 2));
        persistence.close();
        assertThat(Files.readAllBytes(file.path())).isEqualTo(before);
    }

    @Test
    @Timeout(60)
    void aStartUpThatFindsTheFileLockedTooLongLeavesTheFileAsItWasAndWritesNothing() throws Exception {
        SessionCacheFile file = SessionCacheFile.in(data, APP_ID);
        file.write(CacheStates.numbered("w", 1));
        byte[] before = Files.readAllBytes(file.path());
        FileSessionPersistence persistence = new FileSessionPersistence(SessionCacheFile.in(data, APP_ID, Duration.ofMillis(300)));
        LockFileProcess.Holder held = LockFileProcess.hold(file.directory().resolve(SessionCacheFile.LOCK_NAME));
        try {
            assertThat(persistence.restore()).isEmpty();
        } finally {
            held.release();
        }
        persistence.save(CacheStates.numbered("w", 2));
        persistence.close();
        assertThat(Files.readAllBytes(file.path())).isEqualTo(before);
    }

    @Test
    void aStateSavedAfterCloseIsDropped() throws Exception {
        SessionCacheFile file = SessionCacheFile.in(data, APP_ID);
        FileSessionPersistence persistence = new FileSessionPersistence(file);
        persistence.save(CacheStates.numbered("w", 1));
        persistence.close();
        persistence.save(CacheStates.numbered("w", 2));
        assertThat(onDisk()).contains(CacheStates.numbered("w", 1));
    }

    /** What a new app would read; the persistence's own file is closed with it. */
    private Optional<SessionCacheState> onDisk() throws Exception {
        return SessionCacheFile.in(data, APP_ID).read();
    }

    /** Waits until the writer has nothing left to write. */
    private static void awaitIdle(FileSessionPersistence persistence) throws InterruptedException {
        for (int i = 0; i < 500 && persistence.busy(); i++) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertThat(persistence.busy()).isFalse();
    }
}
