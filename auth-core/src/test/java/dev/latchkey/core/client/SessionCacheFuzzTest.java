package dev.latchkey.core.client;

import static dev.latchkey.core.client.CacheStates.APP_ID;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Fuzzes the session-cache reader (SECURITY.md 28): any bytes in the cache file are read back as a
 * state or refused with {@link CorruptSessionCacheException}, the one failure the reader
 * documents for content (so the app treats the file as "no session"); any other exception is a
 * bug. Each input is written to a real cache file, owner-only as the writer leaves it, and read
 * with {@link SessionCacheFile#read()}. Seeds: {@code SessionCacheFuzzTestInputs/cacheFile/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionCacheFuzzTest {
    private Path dataDirectory;
    private SessionCacheFile cache;

    /** One directory for the run: the writer makes it (0700) and the file (0600) as in real use. */
    @BeforeAll
    void cacheDirectory() throws IOException {
        dataDirectory = Files.createTempDirectory("session-cache-fuzz");
        cache = SessionCacheFile.in(dataDirectory, APP_ID);
        cache.write(SessionCacheState.empty("device-1"));
    }

    @AfterAll
    void removeIt() throws IOException {
        try (Stream<Path> paths = Files.walk(dataDirectory)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @FuzzTest
    void cacheFile(byte[] content) throws IOException {
        // Rewritten in place: the file keeps the owner-only mode the writer gave it.
        Files.write(cache.path(), content, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        try {
            Optional<SessionCacheState> state = cache.read();
            assertThat(state).as("the file exists, so it is read or refused").isPresent();
        } catch (CorruptSessionCacheException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }
}
