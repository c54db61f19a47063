package dev.latchkey.testkit.contract.broken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.latchkey.testkit.contract.ContractLevel;
import dev.latchkey.testkit.contract.CredentialProviderContract;
import dev.latchkey.testkit.contract.CredentialProviderContractRules;
import dev.latchkey.testkit.log.LeaksSecretsOnPurpose;
import dev.latchkey.testkit.log.LogCapture;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * The contract has teeth: run through JUnit's EngineTestKit against deliberately broken
 * providers, the rule each one breaks fails, with a message that names the rule, cites the design
 * and says how to fix it, and never shows the secret.
 */
@LeaksSecretsOnPurpose("runs deliberately leaky providers (LogsTokenProvider, SecretInMessageProvider...) through the"
        + " contract; their leaks happen during these tests")
class ContractCatchesBrokenProvidersTest {

    /** What one run of a contract ended with, per rule: failure messages, passes and skips. */
    private record Run(Map<String, String> failed, Set<String> succeeded, Map<String, String> aborted) {
    }

    @Test
    void aProviderThatAcceptsAWrongSecretBreaksOnlyTheRulesItBreaks() {
        Run run = run(AcceptsWrongSecretProvider.Contract.class);

        assertThat(run.failed().keySet())
                .containsExactlyInAnyOrder("required_discoverableThroughServiceLoader", "required_invalidCredentialsAreRejected");
        assertThat(run.failed().get("required_invalidCredentialsAreRejected"))
                .startsWith("required_invalidCredentialsAreRejected is broken: authenticate(invalidCredentials()) returned an"
                        + " identity (subject 'alice') instead of failing with [INVALID_CREDENTIALS]")
                .contains("See DESIGN.md §3", "SECURITY.md", "Fix: throw new AuthException(ErrorCode.INVALID_CREDENTIALS");
        assertThat(run.failed().get("required_discoverableThroughServiceLoader"))
                .contains("does not find " + AcceptsWrongSecretProvider.class.getName(),
                        "Fix: annotate AcceptsWrongSecretProvider with @AutoService(CredentialProvider.class)");
        assertThat(run.aborted().keySet()).containsExactlyInAnyOrder(
                "optional_badSettingsFailStartWithConfiguration", "optional_backendDownIsANetworkError",
                "optional_backendStallIsBoundedByTimeout", "optional_slowBackendIsBoundedByTimeout",
                "optional_backend5xxIsAProviderBackendError",
                "optional_backendRateLimitIsReported", "optional_backendGarbageIsAProviderBackendError",
                "optional_backendOversizedAnswerIsRefused", "optional_backendRecoveryNeedsNoRestart");
        assertThat(run.aborted().get("optional_backendDownIsANetworkError")).contains("skipped: backend() is empty");
        Set<String> ran = new TreeSet<>(run.succeeded());
        ran.addAll(run.failed().keySet());
        ran.addAll(run.aborted().keySet());
        assertThat(ran).as("every rule of CredentialProviderContractRules runs as a test").isEqualTo(allRules());
    }

    @Test
    void aProviderThatThrowsNullPointerExceptionOnBadInputIsCaught() {
        Run run = run(NullPointerProvider.Contract.class, "required_malformedCredentialsAreRejectedWithAClearError");

        assertThat(run.failed().get("required_malformedCredentialsAreRejectedWithAClearError"))
                .startsWith("required_malformedCredentialsAreRejectedWithAClearError is broken:")
                .contains("malformed payloads were not rejected cleanly",
                        "{} threw java.lang.NullPointerException",
                        "{token: number} threw java.lang.ClassCastException",
                        "at " + NullPointerProvider.class.getName() + ".authenticate",
                        "Fix: check the payload's shape before using it: read fields with credentials.stringField(name)");
    }

    @Test
    void aProviderThatPutsTheSecretInItsExceptionMessageIsCaughtWithoutShowingIt() {
        Run run = run(SecretInMessageProvider.Contract.class, "required_secretsNeverAppearInMessages");

        assertThat(run.failed().get("required_secretsNeverAppearInMessages"))
                .contains("exception messages hold secrets",
                        "the secret in field 'token' of invalidCredentials()",
                        "thrown by authenticate(invalidCredentials()): \"unknown token <secret>\"",
                        "SECURITY.md #30",
                        "Fix: say what was wrong")
                .doesNotContain(SecretInMessageProvider.TOKEN_PREFIX + "-");
    }

    @Test
    void aProviderThatLogsTheTokenIsCaughtWithoutShowingIt() {
        Run run;
        // The broken provider also logs outside the contract's own capture; keep that out of the build log.
        LogCapture quiet = LogCapture.start();
        try {
            run = runAt(LogsTokenProvider.Contract.class, ContractLevel.CURRENT,
                    "required_secretsNeverAppearInLogs", "required_secretsNeverAppearInMessages");
        } finally {
            quiet.close();
        }

        assertThat(run.failed().keySet()).as("its messages are clean").containsExactly("required_secretsNeverAppearInLogs");
        assertThat(run.failed().get("required_secretsNeverAppearInLogs"))
                .contains("secrets reached the logs or the console",
                        "in a log record of " + LogsTokenProvider.class.getName() + " INFO",
                        "in System.err: \"",
                        "refused token <secret>",
                        "Fix: never log or print credential values")
                .doesNotContain(LogsTokenProvider.TOKEN_PREFIX + "-");
    }

    @Test
    void aProviderWithARandomSubjectPerLogInIsCaught() {
        Run run = run(UnstableSubjectProvider.Contract.class, "required_subjectIsStablePerAccount",
                "required_sameAccountLogsInToTheSameUser", "required_racingLogInsOfOneAccountMakeOneUser");

        assertThat(run.failed().get("required_subjectIsStablePerAccount"))
                .contains("two log-ins with validCredentials() gave different subjects", "Fix: use the account's stable id");
        assertThat(run.failed().get("required_sameAccountLogsInToTheSameUser"))
                .contains("two log-ins with validCredentials() gave two users", "DESIGN.md §4");
        assertThat(run.failed().get("required_racingLogInsOfOneAccountMakeOneUser"))
                .contains("8 racing log-ins of one account made 8 users");
    }

    @Test
    void aProviderThatUsesTheTokenAsSubjectIsCaught() {
        Run run = run(SecretSubjectProvider.Contract.class, "required_identityCarriesNoSecret");

        assertThat(run.failed().get("required_identityCarriesNoSecret"))
                .contains("an identity carries a secret of the credentials",
                        "in the subject of the identity proved by validCredentials(): \"<secret>\"",
                        "Fix: use the account's id at the provider as the subject");
    }

    @Test
    void aCarelessHttpProviderBreaksTheBackendRules() {
        Run run = run(CarelessHttpProvider.Contract.class, "optional_backendDownIsANetworkError",
                "optional_backendStallIsBoundedByTimeout", "optional_slowBackendIsBoundedByTimeout",
                "optional_backend5xxIsAProviderBackendError",
                "optional_backendGarbageIsAProviderBackendError", "optional_backendOversizedAnswerIsRefused");

        assertThat(run.failed().keySet()).hasSize(6);
        assertThat(run.failed().get("optional_slowBackendIsBoundedByTimeout"))
                .as("its 3 s read timeout never fires while the answer trickles")
                .contains("with the backend failing as SLOW did not end within PT1S", "callTimeout");
        assertThat(run.failed().get("optional_backendDownIsANetworkError"))
                .contains("with the backend failing as DOWN failed with INTERNAL instead of [NETWORK]", "java.net.ConnectException");
        assertThat(run.failed().get("optional_backendStallIsBoundedByTimeout"))
                .contains("with the backend failing as STALL did not end within PT1S", "Fix: give every backend call a timeout");
        assertThat(run.failed().get("optional_backend5xxIsAProviderBackendError"))
                .contains("failed with INVALID_CREDENTIALS instead of [PROVIDER_BACKEND]", "never to INVALID_CREDENTIALS");
        assertThat(run.failed().get("optional_backendGarbageIsAProviderBackendError"))
                .contains("threw com.google.gson.JsonSyntaxException", "parse the answer defensively");
        assertThat(run.failed().get("optional_backendOversizedAnswerIsRefused"))
                .contains("returned an identity (subject 'alice')", "read at most a fixed number of bytes");
    }

    @Test
    void aProviderThatAcceptsAnythingIsCaughtByEveryRejectionRule() {
        Run run = run(AcceptsAnythingProvider.Contract.class, "required_otherAccountsGetOtherSubjects",
                "required_invalidCredentialsAreRejected", "required_malformedCredentialsAreRejectedWithAClearError",
                "required_credentialsOfAnotherProviderAreRejected");

        assertThat(run.failed().get("required_invalidCredentialsAreRejected"))
                .contains("authenticate(invalidCredentials()) returned an identity (subject 'alice')",
                        "Fix: throw new AuthException(ErrorCode.INVALID_CREDENTIALS");
        assertThat(run.failed().get("required_malformedCredentialsAreRejectedWithAClearError"))
                .contains("malformed payloads were not rejected cleanly", "was accepted (subject 'alice')");
        assertThat(run.failed().get("required_credentialsOfAnotherProviderAreRejected"))
                .contains("credentials of type '" + CredentialProviderContract.FOREIGN_TYPE + "'",
                        "Fix: check credentials.providerType() first");
        assertThat(run.failed().get("required_otherAccountsGetOtherSubjects"))
                .contains("both gave subject 'alice'");
    }

    @Test
    void aProviderThatIsNotThreadSafeIsCaughtByTheConcurrencyRule() {
        Run run = runAt(NotThreadSafeProvider.Contract.class, ContractLevel.CURRENT,
                "required_subjectIsStablePerAccount", "required_concurrentAuthenticationIsConsistent");

        assertThat(run.succeeded()).as("one call at a time it is right").contains("required_subjectIsStablePerAccount");
        assertThat(run.failed().get("required_concurrentAuthenticationIsConsistent"))
                .containsPattern("\\d+ of 200 concurrent calls returned another subject than the account's")
                .contains("thread-safe after start", "Fix: keep no per-call state in fields");
    }

    @Test
    void aProviderWithoutTimeoutsIsCaughtWhenTheBackendStallsOrTrickles() {
        Run run = run(HangsOnStallProvider.Contract.class, "optional_backendStallIsBoundedByTimeout",
                "optional_slowBackendIsBoundedByTimeout");

        assertThat(run.failed().get("optional_backendStallIsBoundedByTimeout"))
                .contains("with the backend failing as STALL did not end within PT2S", "Fix: give every backend call a timeout");
        assertThat(run.failed().get("optional_slowBackendIsBoundedByTimeout"))
                .contains("with the backend failing as SLOW did not end within PT2S",
                        "Fix: give every backend call a deadline for the whole call", "callTimeout");
    }

    @Test
    void aProviderThatIsNotRegisteredBreaksOnlyTheDiscoveryRule() {
        Run run = runAt(UnregisteredProvider.Contract.class, ContractLevel.CURRENT);

        assertThat(run.failed().keySet()).containsExactly("required_discoverableThroughServiceLoader");
        assertThat(run.failed().get("required_discoverableThroughServiceLoader"))
                .contains("ServiceLoader.load(CredentialProvider.class) does not find " + UnregisteredProvider.class.getName(),
                        "DESIGN.md §1",
                        "Fix: annotate UnregisteredProvider with @AutoService(CredentialProvider.class)",
                        "no hand-written META-INF/services file");
        assertThat(run.succeeded()).contains("required_invalidCredentialsAreRejected", "required_concurrentAuthenticationIsConsistent");
    }

    @ParameterizedTest(name = "{0} fails {1}")
    @org.junit.jupiter.params.provider.MethodSource("brokenProviders")
    void everyBrokenProviderFailsWithAMessageThatNamesTheRuleAndTheFix(Class<?> contract, String rule) {
        LogCapture quiet = LogCapture.start();
        Run run;
        try {
            run = run(contract, rule);
        } finally {
            quiet.close();
        }

        assertThat(run.failed().get(rule))
                .startsWith(rule + " is broken: ")
                .containsPattern("\\n  See [^\\n]*(DESIGN\\.md|SECURITY\\.md|ErrorCode|ContractTimeouts)")
                .containsPattern("\\n  Fix: .{20,}");
    }

    static Stream<Arguments> brokenProviders() {
        return Stream.of(
                Arguments.of(AcceptsAnythingProvider.Contract.class, "required_invalidCredentialsAreRejected"),
                Arguments.of(AcceptsWrongSecretProvider.Contract.class, "required_invalidCredentialsAreRejected"),
                Arguments.of(UnstableSubjectProvider.Contract.class, "required_subjectIsStablePerAccount"),
                Arguments.of(SecretSubjectProvider.Contract.class, "required_identityCarriesNoSecret"),
                Arguments.of(SecretInMessageProvider.Contract.class, "required_secretsNeverAppearInMessages"),
                Arguments.of(LogsTokenProvider.Contract.class, "required_secretsNeverAppearInLogs"),
                Arguments.of(NullPointerProvider.Contract.class, "required_malformedCredentialsAreRejectedWithAClearError"),
                Arguments.of(NotThreadSafeProvider.Contract.class, "required_concurrentAuthenticationIsConsistent"),
                Arguments.of(HangsOnStallProvider.Contract.class, "optional_backendStallIsBoundedByTimeout"),
                Arguments.of(UnregisteredProvider.Contract.class, "required_discoverableThroughServiceLoader"),
                Arguments.of(CarelessHttpProvider.Contract.class, "optional_backendOversizedAnswerIsRefused"));
    }

    @Test
    void aRuleNewAtThisLevelIsProvisionalForTestsWrittenAgainstTheLevelBefore() {
        Run provisional = runAt(HangsOnStallProvider.Contract.class, ContractLevel.CURRENT - 1,
                "optional_slowBackendIsBoundedByTimeout", "optional_backendStallIsBoundedByTimeout");

        assertThat(provisional.failed().keySet()).as("rules of older levels are required whatever the test declares")
                .containsExactly("optional_backendStallIsBoundedByTimeout");
        assertThat(provisional.aborted().get("optional_slowBackendIsBoundedByTimeout"))
                .as("the new rule's failure is reported as a skip, with the whole message and what to do")
                .startsWith("PROVISIONAL RULE FAILED: optional_slowBackendIsBoundedByTimeout arrived at contract level "
                        + ContractLevel.CURRENT)
                .contains("declares level " + (ContractLevel.CURRENT - 1),
                        "From contract level " + (ContractLevel.CURRENT + 1) + " (the next testkit release) it fails the build",
                        "declare latchkey.contract.level=" + ContractLevel.CURRENT,
                        "optional_slowBackendIsBoundedByTimeout is broken: ", "Fix: give every backend call a deadline");

        Run undeclared = runAt(HangsOnStallProvider.Contract.class, null, "optional_slowBackendIsBoundedByTimeout");
        assertThat(undeclared.aborted()).as("a test that declares no level is taken to be written for level 1")
                .containsKey("optional_slowBackendIsBoundedByTimeout");
        assertThat(undeclared.failed()).isEmpty();
    }

    @Test
    void overridingARequiredRuleAndMarkingItNewDoesNotMakeItProvisional() {
        Run run = runAt(AcceptsAnythingProvider.RelabelledContract.class, ContractLevel.FIRST,
                "required_invalidCredentialsAreRejected");

        assertThat(run.aborted()).as("the contract's own declaration decides a rule's level").isEmpty();
        assertThat(run.failed()).containsKey("required_invalidCredentialsAreRejected");
    }

    @Test
    void aProvisionalRuleThatErrorsSaysWhatWasThrownNotThatTheProviderFailed() {
        Run run = runAt(HangsOnStallProvider.OlderFakeContract.class, ContractLevel.CURRENT - 1,
                "optional_slowBackendIsBoundedByTimeout");

        assertThat(run.aborted().get("optional_slowBackendIsBoundedByTimeout"))
                .contains("optional_slowBackendIsBoundedByTimeout", "java.lang.UnsupportedOperationException")
                .doesNotEndWith("null");
    }

    @Test
    void aProvisionalRuleThatPassesSimplyPasses() throws ClassNotFoundException {
        // The reference HTTP provider has a whole-call deadline, so it keeps the rule new at this level.
        Class<?> reference = Class.forName("dev.latchkey.testkit.contract.EchoTokenProviderContractTest");
        Run run = runAt(reference, ContractLevel.CURRENT - 1, "optional_slowBackendIsBoundedByTimeout");

        assertThat(run.succeeded()).containsExactly("optional_slowBackendIsBoundedByTimeout");
        assertThat(run.aborted()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"two", "0", "99", "-1"})
    void aLevelTheTestkitDoesNotKnowStopsTheRunWithAClearError(String level) {
        Run run = runAt(UnregisteredProvider.Contract.class, level, "required_subjectIsStablePerAccount");

        assertThat(run.failed().get("required_subjectIsStablePerAccount"))
                .contains("latchkey.contract.level", "1-" + ContractLevel.CURRENT);
    }

    @Test
    void brokenContractsDoNotRunUnlessLaunchedOnPurpose() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(AcceptsWrongSecretProvider.Contract.class))
                .execute();

        assertThat(results.testEvents().started().count()).isZero();
        assertThat(results.containerEvents().skipped().count()).isEqualTo(1);
    }

    private static Set<String> allRules() {
        return Arrays.stream(CredentialProviderContractRules.class.getDeclaredMethods())
                .map(Method::getName)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Runs rules at the current level and checks that each one fails. */
    private static Run run(Class<?> contract, String... rules) {
        Run run = runAt(contract, ContractLevel.CURRENT, rules);
        for (String rule : rules) {
            assertThat(run.failed()).as("the rule %s fails", rule).containsKey(rule);
        }
        return run;
    }

    private static Run runAt(Class<?> contract, Object level, String... rules) {
        DiscoverySelector[] selectors = rules.length == 0
                ? new DiscoverySelector[] {selectClass(contract)}
                : Arrays.stream(rules).map(r -> selectMethod(contract, r)).toArray(DiscoverySelector[]::new);
        EngineTestKit.Builder builder = EngineTestKit.engine("junit-jupiter")
                .configurationParameter(OnlyThroughEngineTestKit.KEY, "true")
                .selectors(selectors);
        // An empty value stands for "not declared": the build's own system property must not leak in.
        builder.configurationParameter(ContractLevel.PARAMETER, level == null ? "" : String.valueOf(level));
        Events tests = builder.execute().testEvents();
        return new Run(messages(tests.failed()), tests.succeeded().stream().map(ContractCatchesBrokenProvidersTest::rule)
                .collect(Collectors.toCollection(TreeSet::new)), messages(tests.aborted()));
    }

    private static Map<String, String> messages(Events events) {
        Map<String, String> out = new LinkedHashMap<>();
        events.stream().forEach(e -> out.put(rule(e), e.getPayload(TestExecutionResult.class)
                .flatMap(TestExecutionResult::getThrowable)
                .map(Throwable::getMessage)
                .orElse("(no message)")));
        return out;
    }

    private static String rule(Event event) {
        return event.getTestDescriptor().getSource()
                .filter(MethodSource.class::isInstance)
                .map(s -> ((MethodSource) s).getMethodName())
                .orElse(event.getTestDescriptor().getDisplayName());
    }
}
