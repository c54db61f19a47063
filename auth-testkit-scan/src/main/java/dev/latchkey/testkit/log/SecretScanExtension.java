package dev.latchkey.testkit.log;

import com.google.auto.service.AutoService;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * The build-wide secret scan: fails any test in whose time a registered secret ({@link TestSecrets})
 * appeared in a log record of any logger, on {@code System.out}/{@code System.err}, or in the
 * message, {@code toString} or stack trace of an exception the test or a lifecycle method threw.
 * The failure says where (test, logger and level or stream) and shows the text around the secret
 * with every secret replaced by {@code <secret>}, never the secret.
 *
 * <p>Every module's build loads it for every test through JUnit's extension auto-detection (the
 * parent pom sets {@code junit.jupiter.extensions.autodetection.enabled}); a test may also name it
 * with {@code @ExtendWith}. Output between a class's tests ({@code @BeforeAll}, servers shared by
 * the class) fails the class; output before a class starts fails that class, naming the gap. Tests
 * that leak on purpose say so with {@link LeaksSecretsOnPurpose}. Tests must not run in parallel
 * (ours do not): output is blamed on the test running when it was written.
 */
@AutoService(Extension.class)
public final class SecretScanExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SecretScanExtension.class);
    private static final String OUTSIDE_TESTS = "findings outside tests";

    /** Creates the extension; JUnit does, once per run. */
    public SecretScanExtension() {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        List<SecretScan.Finding> before = capture(context).drainAndScan();
        if (!before.isEmpty() && !exempt(context)) {
            throw new AssertionError(report("before " + context.getDisplayName()
                    + " started (between test classes: it may come from the threads of an earlier class)", before));
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        // What the class did since its last test ended (@BeforeAll, shared servers) belongs to the class.
        List<SecretScan.Finding> found = capture(context).drainAndScan();
        if (!found.isEmpty() && !exempt(context.getParent().orElse(context))) {
            outsideTests(context).addAll(found);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<SecretScan.Finding> found = capture(context).drainAndScan();
        if (!found.isEmpty() && !exempt(context)) {
            throw new AssertionError(report(testName(context), found));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<SecretScan.Finding> found = new ArrayList<>(outsideTests(context));
        found.addAll(capture(context).drainAndScan());
        if (!found.isEmpty() && !exempt(context)) {
            throw new AssertionError(report(context.getDisplayName() + " outside its tests (@BeforeAll, @AfterAll,"
                    + " between tests)", found));
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        throw checked(context, thrown);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        throw checked(context, thrown);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        throw checked(context, thrown);
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        throw checked(context, thrown);
    }

    @Override
    public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        throw checked(context, thrown);
    }

    /**
     * The exception to rethrow: the one thrown, or, if it shows a registered secret, a report in
     * its place that shows its redacted stack trace (the original would print the secret into the
     * test report).
     */
    private Throwable checked(ExtensionContext context, Throwable thrown) {
        if (exempt(context)) {
            return thrown;
        }
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        ScanCapture capture = capture(context);
        List<SecretScan.Finding> found = capture.scan("an exception thrown by the test (message, toString or stack trace)",
                trace.toString());
        if (found.isEmpty()) {
            return thrown;
        }
        return new AssertionError(report(testName(context), found) + "\nThe exception, redacted:\n"
                + capture.redact(trace.toString()));
    }

    private static ScanCapture capture(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(ScanCapture.class, k -> new ScanCapture(), ScanCapture.class);
    }

    @SuppressWarnings("unchecked")
    private static List<SecretScan.Finding> outsideTests(ExtensionContext context) {
        ExtensionContext classContext = context.getTestMethod().isPresent() ? context.getParent().orElse(context) : context;
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(OUTSIDE_TESTS, k -> new ArrayList<SecretScan.Finding>(), List.class);
    }

    /**
     * Whether the test method, its class, or a class enclosing it as a {@code @Nested} (inner)
     * class, leaks on purpose. A static nested class stands alone: its enclosing class's opt-out
     * is not its own.
     */
    private static boolean exempt(ExtensionContext context) {
        Optional<? extends AnnotatedElement> method = context.getTestMethod();
        if (method.isPresent() && method.get().isAnnotationPresent(LeaksSecretsOnPurpose.class)) {
            return true;
        }
        for (Class<?> c = context.getTestClass().orElse(null); c != null;
                c = Modifier.isStatic(c.getModifiers()) ? null : c.getEnclosingClass()) {
            if (c.isAnnotationPresent(LeaksSecretsOnPurpose.class)) {
                return true;
            }
        }
        return false;
    }

    private static String testName(ExtensionContext context) {
        return context.getTestClass().map(Class::getName).orElse("?")
                + context.getTestMethod().map(m -> "#" + m.getName()).orElse("")
                + " [" + SecretScan.printable(SecretScan.redact(context.getDisplayName(), TestSecrets.all())) + "]";
    }

    private static String report(String where, List<SecretScan.Finding> found) {
        StringBuilder sb = new StringBuilder("A registered test secret leaked in ").append(where).append(":\n");
        for (SecretScan.Finding f : found) {
            sb.append("  - ").append(f).append('\n');
        }
        return sb.append("(build-wide secret scan, docs/decisions.md. Leaks are bugs; a test that leaks on purpose says so"
                + " with @LeaksSecretsOnPurpose(\"why\").)").toString();
    }
}
