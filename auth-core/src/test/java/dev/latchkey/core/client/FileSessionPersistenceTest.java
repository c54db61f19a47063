package dev.latchkey.core.client;

import static dev.latchkey.core.client.CacheStates.APP_ID;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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
        assertThat(file.read()).contains(CacheStates.numbered("w", 499));
    }

    @Test
    @Timeout(30)
    void aSaveReturnsWhileTheWriterWaitsForTheLock() throws Exception {
        SessionCacheFile file = SessionCacheFile.in(data, APP_ID);
        file.write(CacheStates.numbered("w", 0));
        ReentrantLock held = ProcessFileLocks.forFile(file.directory().toRealPath().resolve(SessionCacheFile.LOCK_NAME));
        FileSessionPersistence persistence = new FileSessionPersistence(file);
        held.lock();
        try {
            persistence.save(CacheStates.numbered("w", 1));
            for (int i = 0; i < 1000 && !held.hasQueuedThreads(); i++) {
                TimeUnit.MILLISECONDS.sleep(5);
            }
            assertThat(held.hasQueuedThreads()).as("the writer waits for the lock").isTrue();
            for (int n = 2; n <= 50; n++) {
                persistence.save(CacheStates.numbered("w", n));
            }
            // Reached although no write can finish: saving never waits for the disk or the lock.
        } finally {
            held.unlock();
        }
        persistence.close();
        assertThat(file.read()).contains(CacheStates.numbered("w", 50));
    }

    @Test
    void aFailedWriteIsTriedAgainWithTheNextChange() throws Exception {
        Path blocked = Files.writeString(data.resolve("not-a-directory"), "a file where the data directory should be");
        SessionCacheFile file = SessionCacheFile.in(blocked, APP_ID);
        FileSessionPersistence persistence = new FileSessionPersistence(file);
        assertThat(persistence.restore()).isEmpty();
        persistence.save(CacheStates.numbered("w", 1));
        awaitIdle(persistence);
        Files.delete(blocked);
        persistence.save(CacheStates.numbered("w", 2));
        persistence.close();
        assertThat(file.read()).contains(CacheStates.numbered("w", 2));
    }

    @Test
    void aStateSavedAfterCloseIsDropped() throws Exception {
        SessionCacheFile file = SessionCacheFile.in(data, APP_ID);
        FileSessionPersistence persistence = new FileSessionPersistence(file);
        persistence.save(CacheStates.numbered("w", 1));
        persistence.close();
        persistence.save(CacheStates.numbered("w", 2));
        assertThat(file.read()).contains(CacheStates.numbered("w", 1));
    }

    /** Waits until the writer has nothing left to write. */
    private static void awaitIdle(FileSessionPersistence persistence) throws InterruptedException {
        for (int i = 0; i < 500 && persistence.busy(); i++) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertThat(persistence.busy()).isFalse();
    }
}
