package dev.latchkey.testkit.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The build-wide scan has teeth: tests that leak a registered secret, run through EngineTestKit
 * with extension auto-detection on (as the build runs every test), fail with a report that says
 * where and never shows the secret; tests that do not leak, or say they leak on purpose, pass.
 */
@LeaksSecretsOnPurpose("runs deliberately leaky tests through EngineTestKit; their output passes through this test's time too")
@ResourceLock(Resources.SYSTEM_OUT)
@ResourceLock(Resources.SYSTEM_ERR)
@ResourceLock(LogCapture.RESOURCE_LOCK)
class SecretScanExtensionTest {
    private static final String RUN = "latchkey.testkit.runLeakyTests";
    /** A fresh secret per JVM, so that no other test can have logged it. */
    static final String SECRET = "leaky-" + UUID.randomUUID();
    static final String LATE_SECRET = "late-" + UUID.randomUUID();
    static final String CLASS_SECRET = "class-" + UUID.randomUUID();

    /** Keeps the leaky tests from running as ordinary tests (an IDE's "run all"). */
    static final class OnlyThroughEngineTestKit implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(RUN).map(Boolean::parseBoolean).orElse(false)
                    ? ConditionEvaluationResult.enabled("launched by SecretScanExtensionTest")
                    : ConditionEvaluationResult.disabled("leaks on purpose: run only through SecretScanExtensionTest");
        }
    }

    @ExtendWith(OnlyThroughEngineTestKit.class)
    static class Leaky {
        private static final Logger LOG = Logger.getLogger("org.eclipse.jetty.server.HttpChannel");

        @Test
        void logsAtDebugLevel() {
            TestSecrets.register("a token of Leaky", SECRET);
            LOG.fine("request with Authorization: Bearer " + SECRET + " done");
        }

        @Test
        void printsToStandardError() {
            TestSecrets.register("a token of Leaky", SECRET);
            System.err.println("token=" + SECRET);
        }

        @Test
        void throwsItInAMessage() {
            TestSecrets.register("a token of Leaky", SECRET);
            throw new IllegalStateException("bad token " + SECRET);
        }

        @Test
        void logsBeforeRegistering() {
            LOG.log(Level.WARNING, "refresh token {0} issued", LATE_SECRET);
            TestSecrets.register("a refresh token registered after it was logged", LATE_SECRET);
        }

        @Test
        void logsInsideItsOwnCapture() {
            TestSecrets.register("a token of Leaky", SECRET);
            try (LogCapture capture = LogCapture.start()) {
                LOG.info("got " + SECRET);
                System.out.println("out " + SECRET);
            }
        }

        @Test
        void printsAWellKnownPassword() {
            System.out.println("logging in with correct horse battery staple");
        }

        @Test
        void staysQuiet() {
            TestSecrets.register("a token of Leaky", SECRET);
            LOG.fine("request with a token of " + SECRET.length() + " chars done");
        }

        @Test
        void aFakeServerLogsWhatItReceived() {
            TestSecrets.register("a token of Leaky", SECRET);
            Logger.getLogger("mockwebserver3.MockWebServer").fine("received request: GET /debug_token?input_token=" + SECRET);
        }

        @Test
        @LeaksSecretsOnPurpose("proves the opt-out")
        void leaksOnPurpose() {
            TestSecrets.register("a token of Leaky", SECRET);
            LOG.severe("token " + SECRET);
            throw new IllegalStateException("expected: token " + SECRET);
        }
    }

    @ExtendWith(OnlyThroughEngineTestKit.class)
    static class LeaksInBeforeAll {
        @BeforeAll
        static void start() {
            TestSecrets.register("a class-wide key", CLASS_SECRET);
            Logger.getLogger("com.zaxxer.hikari.HikariConfig").config("password........" + CLASS_SECRET);
        }

        @Test
        void quiet() {
        }
    }

    @Test
    void aSecretLoggedAtDebugLevelFailsTheTestAndTheReportSaysWhereWithoutTheSecret() {
        Event failed = onlyFailure(run(selectMethod(Leaky.class, "logsAtDebugLevel")));

        String report = message(failed);
        assertThat(report).contains("Leaky#logsAtDebugLevel", "a log record of org.eclipse.jetty.server.HttpChannel FINE",
                "a token of Leaky", "Authorization: Bearer <secret> done", "@LeaksSecretsOnPurpose");
        assertThat(everything(failed)).doesNotContain(SECRET);
    }

    @Test
    void aSecretOnStandardErrorFailsTheTest() {
        String report = message(onlyFailure(run(selectMethod(Leaky.class, "printsToStandardError"))));

        assertThat(report).contains("Leaky#printsToStandardError", "System.err", "token=<secret>").doesNotContain(SECRET);
    }

    @Test
    void anExceptionShowingASecretIsReplacedByARedactedReport() {
        Event failed = onlyFailure(run(selectMethod(Leaky.class, "throwsItInAMessage")));

        assertThat(message(failed)).contains("an exception thrown by the test", "bad token <secret>",
                "java.lang.IllegalStateException: bad token <secret>");
        assertThat(everything(failed)).doesNotContain(SECRET);
    }

    @Test
    void aSecretRegisteredOnlyAfterItWasLoggedIsStillCaught() {
        String report = message(onlyFailure(run(selectMethod(Leaky.class, "logsBeforeRegistering"))));

        assertThat(report).contains("a refresh token registered after it was logged", "WARNING", "refresh token <secret> issued")
                .doesNotContain(LATE_SECRET);
    }

    @Test
    void aTestsOwnLogCaptureHidesNothingFromTheScan() {
        String report = message(onlyFailure(run(selectMethod(Leaky.class, "logsInsideItsOwnCapture"))));

        assertThat(report).contains("org.eclipse.jetty.server.HttpChannel INFO", "got <secret>", "System.out", "out <secret>")
                .doesNotContain(SECRET);
    }

    @Test
    void wellKnownTestPasswordsAreScannedForWithoutRegistration() {
        String report = message(onlyFailure(run(selectMethod(Leaky.class, "printsAWellKnownPassword"))));

        assertThat(report).contains("a well-known test secret", "logging in with <secret>").doesNotContain("horse");
    }

    @Test
    void quietTestsDeclaredLeaksAndAFakeServersTrafficLogPass() {
        EngineExecutionResults results = run(selectMethod(Leaky.class, "staysQuiet"), selectMethod(Leaky.class, "leaksOnPurpose"),
                selectMethod(Leaky.class, "aFakeServerLogsWhatItReceived"));

        assertThat(results.testEvents().succeeded().count()).isEqualTo(2);
        assertThat(results.testEvents().failed().list()).singleElement()
                .satisfies(e -> assertThat(e.getTestDescriptor().getDisplayName()).isEqualTo("leaksOnPurpose()"))
                // Exempt: its own exception comes through untouched.
                .satisfies(e -> assertThat(message(e)).isEqualTo("expected: token " + SECRET));
    }

    @Test
    void aLeakInBeforeAllFailsTheClass() {
        EngineExecutionResults results = run(selectClass(LeaksInBeforeAll.class));

        assertThat(results.testEvents().succeeded().count()).isEqualTo(1);
        Event failed = results.containerEvents().failed().list().stream().findFirst().orElseThrow();
        assertThat(message(failed)).contains("LeaksInBeforeAll outside its tests", "com.zaxxer.hikari.HikariConfig CONFIG",
                "a class-wide key", "password........<secret>").doesNotContain(CLASS_SECRET);
    }

    private static EngineExecutionResults run(DiscoverySelector... selectors) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .configurationParameter(RUN, "true")
                .selectors(selectors)
                .execute();
    }

    private static Event onlyFailure(EngineExecutionResults results) {
        assertThat(results.testEvents().started().count()).isEqualTo(1);
        return results.testEvents().failed().list().stream().findFirst()
                .orElseThrow(() -> new AssertionError("the leaky test passed: the scan did not catch it"));
    }

    private static String message(Event e) {
        return e.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow().getMessage();
    }

    /** The failure as a report would print it: toString, causes, suppressed, stack. */
    private static String everything(Event e) {
        StringWriter w = new StringWriter();
        e.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow()
                .printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
