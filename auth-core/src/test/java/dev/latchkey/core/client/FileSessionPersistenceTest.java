package dev.latchkey.core.client;

import static dev.latchkey.core.client.CacheStates.APP_ID;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
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
        FileSessionPersistence persistence = new FileSessionPersistence(file);
        try (FileChannel channel = FileChannel.open(file.directory().resolve(SessionCacheFile.LOCK_NAME), StandardOpenOption.WRITE);
             FileLock held = channel.lock()) {
            for (int n = 1; n <= 50; n++) {
                persistence.save(CacheStates.numbered("w", n));
            }
            // Reached although no write can finish while the test holds the lock: saving never
            // waits for the disk or the lock.
            assertThat(held.isValid()).isTrue();
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
