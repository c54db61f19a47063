package dev.latchkey.testkit.log;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Captures what code writes to {@code java.util.logging} and to {@code System.out} /
 * {@code System.err} while it runs, so a test can scan it for secrets (SECURITY.md #30).
 *
 * <pre>{@code
 * try (LogCapture capture = LogCapture.start()) {
 *     provider.authenticate(credentials);
 * } // restored here
 * assertThat(SecretScan.find(capture.entries(), secrets)).isEmpty();
 * }</pre>
 *
 * <p>While it runs, the root JUL logger is set to {@link Level#ALL} with a capturing handler in
 * place of its own handlers, and {@code System.out}/{@code System.err} are replaced. Nothing
 * captured is forwarded to the console: a provider that leaks must not leak into the build log.
 * {@link #close()} puts everything back. Engine logging goes through {@link System.Logger}, which
 * uses JUL unless another backend (SLF4J) is installed; loggers that do not pass records to their
 * parents, or have a level of their own, are not seen.
 *
 * <p>The capture is process-wide: do not run tests that capture in parallel with each other (JUnit
 * {@code @ResourceLock(Resources.SYSTEM_OUT)}, {@code SYSTEM_ERR} and {@link #RESOURCE_LOCK} say so).
 * The build-wide secret scan ({@link SecretScanExtension}) still sees everything: its handler
 * stays on the root logger, and what this capture kept from the streams is handed to it on
 * {@link #close()}.
 * Captures nest when closed in reverse order. Thread-safe.
 */
public final class LogCapture implements AutoCloseable {
    /** A JUnit resource-lock key for tests that change the JUL root logger. */
    public static final String RESOURCE_LOCK = "java.util.logging.root";

    /** Where a captured line came from. */
    public enum Source {
        /** A {@code java.util.logging} record (also {@link System.Logger} without another backend). */
        JUL,
        /** {@code System.out}. */
        STDOUT,
        /** {@code System.err}. */
        STDERR
    }

    /**
     * One captured piece of output.
     *
     * @param source where it came from
     * @param origin for JUL, the logger name and level ({@code "dev.latchkey.X INFO"}); otherwise the stream's name
     * @param text everything the record or stream held: message, parameters, thrown exception with causes and stack
     */
    public record Entry(Source source, String origin, String text) {
    }

    private final List<String> ignoredLoggerPrefixes;
    private final Logger root = Logger.getLogger("");
    private final Level savedLevel;
    private final Handler[] savedHandlers;
    private final PrintStream savedOut;
    private final PrintStream savedErr;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<Entry> records = new ArrayList<>();
    private final CapturingHandler handler = new CapturingHandler();
    private boolean closed;

    private LogCapture(Collection<String> ignoredLoggerPrefixes) {
        this.ignoredLoggerPrefixes = List.copyOf(ignoredLoggerPrefixes);
        savedLevel = root.getLevel();
        savedHandlers = root.getHandlers();
        savedOut = System.out;
        savedErr = System.err;
        for (Handler h : savedHandlers) {
            if (!(h instanceof ScanCapture)) {
                root.removeHandler(h);
            }
        }
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        root.setLevel(Level.ALL);
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /**
     * Starts capturing everything.
     *
     * @return the running capture; close it to restore logging and the standard streams
     */
    public static LogCapture start() {
        return new LogCapture(List.of());
    }

    /**
     * Starts capturing, leaving out JUL records of some loggers (for example a fake server's own
     * request log, which is the test's output, not the code's).
     *
     * @param ignoredLoggerPrefixes logger-name prefixes whose records are dropped, e.g. {@code "mockwebserver3"}
     * @return the running capture
     */
    public static LogCapture startIgnoring(Collection<String> ignoredLoggerPrefixes) {
        return new LogCapture(ignoredLoggerPrefixes);
    }

    /**
     * Everything captured so far: JUL records in order, then standard output, then standard error.
     *
     * @return a copy
     */
    public List<Entry> entries() {
        List<Entry> all;
        synchronized (records) {
            all = new ArrayList<>(records);
        }
        String stdout = out.toString(StandardCharsets.UTF_8);
        String stderr = err.toString(StandardCharsets.UTF_8);
        if (!stdout.isEmpty()) {
            all.add(new Entry(Source.STDOUT, "System.out", stdout));
        }
        if (!stderr.isEmpty()) {
            all.add(new Entry(Source.STDERR, "System.err", stderr));
        }
        return all;
    }

    /**
     * Everything captured so far as one text, entries separated by new lines.
     *
     * @return the text
     */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries()) {
            sb.append(e.origin()).append(": ").append(e.text()).append('\n');
        }
        return sb.toString();
    }

    /** Stops capturing and restores the root logger's level and handlers and the standard streams. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        System.out.flush();
        System.err.flush();
        System.setOut(savedOut);
        System.setErr(savedErr);
        root.removeHandler(handler);
        for (Handler h : savedHandlers) {
            if (h instanceof ScanCapture scan) {
                handOver(scan);
            } else {
                root.addHandler(h);
            }
        }
        root.setLevel(savedLevel);
    }

    /** Gives the build-wide scan what this capture kept from the standard streams (JUL records it saw itself). */
    private void handOver(ScanCapture scan) {
        for (Entry e : entries()) {
            if (e.source() != Source.JUL) {
                scan.add(e);
            }
        }
    }

    /**
     * All the text a log record could put in a log: formatted and raw message, parameters, thrown
     * exception with causes and stack.
     *
     * @param record the record
     * @param formatter formats it
     * @return the text
     */
    static String describe(LogRecord record, Formatter formatter) {
        StringBuilder text = new StringBuilder();
        try {
            text.append(formatter.format(record));
        } catch (RuntimeException e) {
            text.append("(unformattable: ").append(e.getClass().getName()).append(")\n");
        }
        text.append(record.getMessage()).append('\n');
        Object[] params = record.getParameters();
        if (params != null) {
            for (Object p : params) {
                text.append(safeToString(p)).append('\n');
            }
        }
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            text.append(trace);
        }
        return text.toString();
    }

    private static String safeToString(Object o) {
        try {
            return String.valueOf(o);
        } catch (RuntimeException e) {
            return "(toString threw " + e.getClass().getName() + ")";
        }
    }

    private boolean ignored(String loggerName) {
        if (loggerName == null) {
            return false;
        }
        for (String prefix : ignoredLoggerPrefixes) {
            if (loggerName.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** Turns each record into all the text it could put in a log: formatted and raw message, parameters, throwable. */
    private final class CapturingHandler extends Handler {
        private final Formatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            if (record == null || ignored(record.getLoggerName())) {
                return;
            }
            String text = describe(record, formatter);
            synchronized (records) {
                records.add(new Entry(Source.JUL, record.getLoggerName() + " " + record.getLevel(), text));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
