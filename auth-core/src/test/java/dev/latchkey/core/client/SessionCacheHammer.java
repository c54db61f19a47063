package dev.latchkey.core.client;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The other process of {@link SessionCacheFileTest}'s two-process test: a separate JVM that writes
 * numbered states into the same cache as fast as it can and reads the file between writes. Every
 * read must be one whole state some writer wrote. It keeps going until it has done its writes and
 * seen a state of the other process (so the two really overlapped), or a deadline passes.
 *
 * <p>Arguments: the data directory, this writer's name, the number of writes, the other writer's
 * name. Exits 0 when every read was whole and the other process was seen, 1 otherwise.
 */
public final class SessionCacheHammer {
    private SessionCacheHammer() {
    }

    public static void main(String[] args) throws Exception {
        SessionCacheFile file = SessionCacheFile.in(Path.of(args[0]), CacheStates.APP_ID);
        String me = args[1];
        int writes = Integer.parseInt(args[2]);
        String other = args[3];
        Instant deadline = Instant.now().plus(Duration.ofSeconds(45));
        boolean sawOther = false;
        int n = 0;
        while (n < writes || !sawOther) {
            if (Instant.now().isAfter(deadline)) {
                System.err.println("deadline passed after " + n + " writes; saw the other process: " + sawOther);
                System.exit(1);
            }
            file.write(CacheStates.numbered(me, n++));
            Optional<SessionCacheState> read = file.read();
            if (read.isEmpty() || !read.get().equals(CacheStates.rebuild(read.get()))) {
                System.err.println("read a state that nobody wrote after " + n + " writes");
                System.exit(1);
            }
            sawOther |= read.get().deviceId().startsWith(other + "-");
        }
        System.out.println("wrote " + n + " states");
        System.exit(0);
    }
}
