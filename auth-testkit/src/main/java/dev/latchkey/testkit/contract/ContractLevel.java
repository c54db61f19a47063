package dev.latchkey.testkit.contract;

import java.lang.reflect.Method;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Keeps the {@link CredentialProviderContract} backward compatible, so that upgrading the testkit
 * does not break a provider's CI without warning.
 *
 * <p>The contract has a level, {@link #CURRENT}, raised by one in a release that adds rules; each
 * added rule carries {@link AddedAtLevel}. A provider's tests declare the level they were written
 * against with the JUnit configuration parameter {@value #PARAMETER} (in
 * {@code src/test/resources/junit-platform.properties}, or as a system property); without it they
 * are taken to be written against level {@link #FIRST} (so is an empty value).
 *
 * <ul>
 *   <li>A rule added at the current level is <em>provisional</em> for tests that declare an older
 *       level: it runs, and when it fails the failure is reported as a skipped test (aborted), with
 *       the full message and a warning on {@code System.err}, instead of failing the build. That is
 *       the one release of grace: fix the provider, then declare the new level.</li>
 *   <li>From the next level on the rule is required for everyone, declared level or not.</li>
 *   <li>Tests that declare the current level get every rule as required, as Latchkey's own
 *       providers do.</li>
 * </ul>
 *
 * <p>Registered on {@link CredentialProviderContract}; a provider's test does not register it.
 */
public final class ContractLevel implements BeforeEachCallback, TestExecutionExceptionHandler {
    /** The first level: every rule without {@link AddedAtLevel}. */
    public static final int FIRST = 1;
    /**
     * The level of this testkit. Level 2 added {@code optional_slowBackendIsBoundedByTimeout}.
     */
    public static final int CURRENT = 2;
    /** The JUnit configuration parameter that declares the level a provider's tests were written against. */
    public static final String PARAMETER = "latchkey.contract.level";

    /** Made by JUnit, through {@code @ExtendWith} on the contract. */
    public ContractLevel() {
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        declared(context);
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        if (thrown instanceof TestAbortedException) {
            throw thrown;
        }
        Method rule = context.getRequiredTestMethod();
        AddedAtLevel added = addedAt(rule);
        int declared = declared(context);
        if (added == null || added.value() < CURRENT || declared >= added.value()) {
            throw thrown;
        }
        String name = rule.getName();
        // An AssertionError is the rule's verdict; anything else means the rule could not reach one
        // (a factory method or a fake that does not know this level's Failure values), and its
        // message alone may be null or say nothing of what was thrown.
        boolean verdict = thrown instanceof AssertionError;
        String detail = verdict ? String.valueOf(thrown.getMessage())
                : name + " did not reach a verdict: it threw " + thrown + " (look at the test's factory methods"
                        + " and its fake backend too, not only at the provider)";
        String warning = "PROVISIONAL RULE " + (verdict ? "FAILED" : "ERRORED") + ": " + name
                + " arrived at contract level " + added.value()
                + ", and " + context.getRequiredTestClass().getName() + " declares level " + declared
                + ", so this failure is reported as a skip. From contract level " + (added.value() + 1)
                + " (the next testkit release) it fails the build: fix the provider now, then declare "
                + PARAMETER + "=" + added.value() + ".";
        System.err.println("[latchkey contract] WARNING " + warning);
        throw new TestAbortedException(warning + "\n" + detail, thrown);
    }

    /**
     * The level a rule arrived at, as the contract itself declares it: a test class that overrides
     * a rule cannot move it to another level by annotating its override, and a test of the
     * provider's own (not a rule) is never provisional.
     *
     * @param test the test method that ran
     * @return the rule's {@link AddedAtLevel}, or null for a first-level rule or a test that is not a rule
     */
    static AddedAtLevel addedAt(Method test) {
        try {
            return CredentialProviderContract.class.getMethod(test.getName(), test.getParameterTypes())
                    .getAnnotation(AddedAtLevel.class);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /**
     * The level a test declares.
     *
     * @param context the test's context
     * @return the declared level, {@link #FIRST} when none is declared
     * @throws ExtensionConfigurationException when the declaration is not a level this testkit knows
     */
    static int declared(ExtensionContext context) {
        Optional<String> value = context.getConfigurationParameter(PARAMETER).map(String::strip).filter(v -> !v.isEmpty());
        if (value.isEmpty()) {
            return FIRST;
        }
        int level;
        try {
            level = Integer.parseInt(value.get());
        } catch (NumberFormatException e) {
            throw new ExtensionConfigurationException(PARAMETER + " must be a contract level, a whole number "
                    + FIRST + "-" + CURRENT + "; it is \"" + value.get() + "\"");
        }
        if (level < FIRST || level > CURRENT) {
            throw new ExtensionConfigurationException(PARAMETER + "=" + level + " is not a level this testkit knows ("
                    + FIRST + "-" + CURRENT + ")" + (level > CURRENT ? ": the tests were written for a newer testkit;"
                    + " upgrade dev.latchkey:auth-testkit" : ""));
        }
        return level;
    }
}
