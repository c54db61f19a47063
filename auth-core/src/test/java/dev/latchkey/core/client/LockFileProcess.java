package dev.latchkey.core.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * Another process at a session cache's lock file, for tests that must see the lock as another
 * process sees it: file locks are held per process, so only a second JVM can tell whether this
 * one really holds the lock at the OS level (the JVM's own bookkeeping may say so while the
 * kernel no longer does).
 *
 * <p>As a program: {@code probe <lockFile>} prints {@code held} or {@code free};
 * {@code hold <lockFile>} takes the lock, prints {@code locked}, and keeps it until its standard
 * input closes.
 */
public final class LockFileProcess {
    private LockFileProcess() {
    }

    public static void main(String[] args) throws Exception {
        try (FileChannel channel = FileChannel.open(Path.of(args[1]), StandardOpenOption.WRITE)) {
            if (args[0].equals("probe")) {
                FileLock lock = channel.tryLock();
                System.out.println(lock == null ? "held" : "free");
            } else {
                FileLock lock = channel.lock();
                System.out.println("locked");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // Held until the parent closes our standard input (or dies).
                }
                lock.release();
            }
        }
        System.exit(0);
    }

    /**
     * Asks another process whether the lock file is locked.
     *
     * @param lockFile the lock file, which must exist
     * @return {@code "held"} or {@code "free"}
     */
    static String probe(Path lockFile) throws IOException, InterruptedException {
        Process child = start("probe", lockFile);
        try {
            String answer = firstLine(child);
            if (!child.waitFor(30, TimeUnit.SECONDS) || child.exitValue() != 0) {
                throw new IOException("the probe failed: " + answer);
            }
            return answer;
        } finally {
            child.destroyForcibly();
        }
    }

    /**
     * Has another process take the lock and keep it until {@link Holder#release()}.
     *
     * @param lockFile the lock file, which must exist
     * @return the holding process, once it holds the lock
     */
    static Holder hold(Path lockFile) throws IOException {
        Process child = start("hold", lockFile);
        String line = firstLine(child);
        if (!"locked".equals(line)) {
            child.destroyForcibly();
            throw new IOException("the holder did not take the lock: " + line);
        }
        return new Holder(child);
    }

    /** A process holding the lock. */
    static final class Holder {
        private final Process process;

        private Holder(Process process) {
            this.process = process;
        }

        /** Makes the process release the lock and exit, and waits for it. */
        void release() throws IOException, InterruptedException {
            try {
                process.getOutputStream().close();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    throw new IOException("the holder did not exit");
                }
            } finally {
                process.destroyForcibly();
            }
        }
    }

    private static Process start(String mode, Path lockFile) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LockFileProcess.class.getName(),
                mode, lockFile.toString())
                .redirectErrorStream(true).start();
    }

    private static String firstLine(Process child) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        return line == null ? "(no output)" : line;
    }
}
