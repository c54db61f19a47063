package dev.latchkey.testkit.log;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * What the build-wide scan listens to for one JUnit run: a handler on the JUL root logger (every
 * logger that passes records up, at every level: Jetty, OkHttp, Angus Mail and HikariCP log through
 * JUL in our builds) and a copy of everything written to {@code System.out}/{@code System.err},
 * which still reach the console (Surefire's report files) as before. {@link LogCapture} leaves this
 * handler in place and hands over what it kept from the streams, so a test's own capture hides
 * nothing from the scan. {@link SecretScanExtension} drains it at the end of every test.
 *
 * <p>Output is scanned against the secrets registered by the time the test ends, so a token logged
 * before the test registered it is still caught; a test that writes more than
 * {@value #MAX_BUFFERED_CHARS} characters is scanned early, as it goes, to bound memory.
 */
final class ScanCapture extends Handler implements AutoCloseable {
    /** The root logger level while the scan runs; {@code ALL} unless the system property says otherwise. */
    static final String LEVEL_PROPERTY = "latchkey.secretscan.level";
    static final int MAX_BUFFERED_CHARS = 16 << 20;
    /**
     * The traffic logs of the test's own tools, which stand where a backend or a user stands:
     * MockWebServer logs each request line it received, GreenMail the SMTP conversation, Selenium
     * every URL it tells the browser to open. They show what the code under test sent to its
     * backend (Facebook's debug_token takes the token in the query; a confirmation mail carries its
     * link) or what the user's browser visits, which is the protocol, not a leak; the code's own
     * logging is still scanned.
     */
    static final List<String> TEST_TOOL_LOGGERS = List.of("mockwebserver3.", "com.icegreen.greenmail.", "org.openqa.selenium.");

    private final Logger root = Logger.getLogger("");
    private final Level savedLevel;
    private final PrintStream savedOut;
    private final PrintStream savedErr;
    private final Tee out;
    private final Tee err;
    private final Formatter formatter = new SimpleFormatter();
    private final List<LogCapture.Entry> entries = new ArrayList<>();
    private final List<SecretScan.Finding> early = new ArrayList<>();
    private long buffered;
    private SecretIndex index = new SecretIndex(List.of());
    private boolean closed;

    ScanCapture() {
        savedLevel = root.getLevel();
        savedOut = System.out;
        savedErr = System.err;
        out = new Tee(savedOut);
        err = new Tee(savedErr);
        setLevel(Level.ALL);
        root.addHandler(this);
        root.setLevel(Level.parse(System.getProperty(LEVEL_PROPERTY, "ALL")));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Override
    public void publish(LogRecord record) {
        if (record != null && !testToolTraffic(record.getLoggerName())) {
            add(new LogCapture.Entry(LogCapture.Source.JUL, record.getLoggerName() + " " + record.getLevel(),
                    LogCapture.describe(record, formatter)));
        }
    }

    private static boolean testToolTraffic(String loggerName) {
        return loggerName != null && TEST_TOOL_LOGGERS.stream().anyMatch(loggerName::startsWith);
    }

    /**
     * Adds output captured elsewhere (by a {@link LogCapture}, which keeps the streams from us while it runs).
     *
     * @param entry the output
     */
    synchronized void add(LogCapture.Entry entry) {
        entries.add(entry);
        buffered += entry.text().length();
        if (buffered > MAX_BUFFERED_CHARS) {
            early.addAll(scan(entries));
            entries.clear();
            buffered = 0;
        }
    }

    /**
     * Scans and forgets everything captured since the last call.
     *
     * @return what leaked, redacted
     */
    synchronized List<SecretScan.Finding> drainAndScan() {
        System.out.flush();
        System.err.flush();
        out.drainInto(LogCapture.Source.STDOUT, "System.out");
        err.drainInto(LogCapture.Source.STDERR, "System.err");
        List<SecretScan.Finding> found = new ArrayList<>(early);
        found.addAll(scan(entries));
        early.clear();
        entries.clear();
        buffered = 0;
        return found;
    }

    /**
     * Finds registered secrets in a text now (an exception a test threw).
     *
     * @param where what the text is
     * @param text the text
     * @return what leaked, redacted
     */
    synchronized List<SecretScan.Finding> scan(String where, String text) {
        return currentIndex().find(where, text);
    }

    /**
     * Redacts every registered secret in a text.
     *
     * @param text the text
     * @return it without secrets
     */
    String redact(String text) {
        return SecretScan.redact(text, TestSecrets.all());
    }

    private List<SecretScan.Finding> scan(List<LogCapture.Entry> captured) {
        SecretIndex current = currentIndex();
        List<SecretScan.Finding> found = new ArrayList<>();
        for (LogCapture.Entry e : captured) {
            found.addAll(current.find(e.source() == LogCapture.Source.JUL ? "a log record of " + e.origin() : e.origin(), e.text()));
        }
        return found;
    }

    private SecretIndex currentIndex() {
        // Secrets are only ever added, so a changed count means a changed set.
        if (index.size() != TestSecrets.size()) {
            index = new SecretIndex(TestSecrets.all());
        }
        return index;
    }

    @Override
    public void flush() {
    }

    /** Removes the handler and restores the root level and the streams. Idempotent. */
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
        root.removeHandler(this);
        root.setLevel(savedLevel);
    }

    /** Writes through to the stream it replaced and keeps a copy for the scan. */
    private final class Tee extends OutputStream {
        private final OutputStream through;
        private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

        Tee(OutputStream through) {
            this.through = through;
        }

        @Override
        public void write(int b) {
            synchronized (ScanCapture.this) {
                copy.write(b);
            }
            try {
                through.write(b);
            } catch (java.io.IOException e) {
                // The console is gone: nothing to do, the copy is what the scan needs.
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (ScanCapture.this) {
                copy.write(b, off, len);
                if (copy.size() > MAX_BUFFERED_CHARS) {
                    drainInto(this == out ? LogCapture.Source.STDOUT : LogCapture.Source.STDERR,
                            this == out ? "System.out" : "System.err");
                }
            }
            try {
                through.write(b, off, len);
            } catch (java.io.IOException e) {
                // As above.
            }
        }

        @Override
        public void flush() {
            try {
                through.flush();
            } catch (java.io.IOException e) {
                // As above.
            }
        }

        /** Moves the copy into the entries; called holding the capture's lock. */
        void drainInto(LogCapture.Source source, String name) {
            if (copy.size() > 0) {
                String text = copy.toString(StandardCharsets.UTF_8);
                copy.reset();
                add(new LogCapture.Entry(source, name, text));
            }
        }
    }
}
