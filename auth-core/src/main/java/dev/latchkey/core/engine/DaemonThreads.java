package dev.latchkey.core.engine;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread factories for Latchkey's own threads: named, and daemons so they never keep a JVM alive. */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /**
     * A factory of daemon threads named {@code prefix-1}, {@code prefix-2}, ...
     *
     * @param prefix the name prefix
     * @return the factory
     */
    public static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread t = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
