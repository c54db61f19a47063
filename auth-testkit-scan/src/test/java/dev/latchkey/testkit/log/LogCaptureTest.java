package dev.latchkey.testkit.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

@ResourceLock(Resources.SYSTEM_OUT)
@ResourceLock(Resources.SYSTEM_ERR)
@ResourceLock(LogCapture.RESOURCE_LOCK)
class LogCaptureTest {
    private final Logger logger = Logger.getLogger("dev.latchkey.testkit.log.LogCaptureTest.sample");

    @Test
    void capturesJulRecordsAtEveryLevelWithTheirParameters() {
        List<LogCapture.Entry> entries;
        try (LogCapture capture = LogCapture.start()) {
            logger.log(Level.FINEST, "detail {0}", "param-value");
            System.getLogger("dev.latchkey.testkit.log.systemLogger").log(System.Logger.Level.DEBUG, "via System.Logger {0}", 42);
            entries = capture.entries();
        }

        assertThat(entries).hasSize(2);
        assertThat(entries.get(0).source()).isEqualTo(LogCapture.Source.JUL);
        assertThat(entries.get(0).origin()).isEqualTo(logger.getName() + " FINEST");
        assertThat(entries.get(0).text()).contains("detail param-value", "detail {0}", "param-value");
        assertThat(entries.get(1).text()).contains("via System.Logger 42");
    }

    @Test
    void capturesThrownExceptionsWithTheirCauses() {
        String text;
        try (LogCapture capture = LogCapture.start()) {
            logger.log(Level.WARNING, "failed", new IllegalStateException("outer", new RuntimeException("inner-cause")));
            text = capture.text();
        }

        assertThat(text).contains("java.lang.IllegalStateException: outer", "Caused by: java.lang.RuntimeException: inner-cause");
    }

    @Test
    void capturesTheStandardStreamsWithoutForwardingThem() {
        PrintStream out = System.out;
        List<LogCapture.Entry> entries;
        try (LogCapture capture = LogCapture.start()) {
            assertThat(System.out).isNotSameAs(out);
            System.out.println("to-out");
            System.err.println("to-err");
            entries = capture.entries();
        }

        assertThat(entries).extracting(LogCapture.Entry::source).containsExactly(LogCapture.Source.STDOUT, LogCapture.Source.STDERR);
        assertThat(entries.get(0).text()).isEqualTo("to-out" + System.lineSeparator());
        assertThat(entries.get(1).text()).isEqualTo("to-err" + System.lineSeparator());
    }

    @Test
    void restoresTheRootLoggerAndTheStreamsOnClose() {
        Logger root = Logger.getLogger("");
        Level level = root.getLevel();
        Handler[] handlers = root.getHandlers();
        PrintStream out = System.out;
        PrintStream err = System.err;

        LogCapture capture = LogCapture.start();
        assertThat(root.getLevel()).isEqualTo(Level.ALL);
        capture.close();
        capture.close();

        assertThat(root.getLevel()).isEqualTo(level);
        assertThat(root.getHandlers()).containsExactly(handlers);
        assertThat(System.out).isSameAs(out);
        assertThat(System.err).isSameAs(err);
    }

    @Test
    void leavesOutTheLoggersItIsToldToIgnore() {
        String text;
        try (LogCapture capture = LogCapture.startIgnoring(List.of("mockwebserver3"))) {
            Logger.getLogger("mockwebserver3.MockWebServer").info("a fake's own request log");
            logger.info("kept");
            text = capture.text();
        }

        assertThat(text).contains("kept").doesNotContain("a fake's own request log");
    }

    @Test
    void nestedCapturesEachSeeTheirOwnOutput() {
        PrintStream out = System.out;
        String outer;
        String inner;
        try (LogCapture first = LogCapture.start()) {
            System.out.println("before");
            try (LogCapture second = LogCapture.start()) {
                System.out.println("inside");
                inner = second.text();
            }
            System.out.println("after");
            outer = first.text();
        }

        assertThat(inner).contains("inside").doesNotContain("before");
        assertThat(outer).contains("before", "after").doesNotContain("inside");
        assertThat(System.out).isSameAs(out);
    }
}
