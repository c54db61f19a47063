package dev.latchkey.testkit.contract.broken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.latchkey.testkit.contract.CredentialProviderContractRules;
import dev.latchkey.testkit.log.LogCapture;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
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
                "optional_backendStallIsBoundedByTimeout", "optional_backend5xxIsAProviderBackendError",
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
    void aProviderThatLeaksTokensIntoMessagesAndLogsIsCaughtWithoutShowingThem() {
        Run run;
        // The broken provider also logs outside the contract's own capture; keep that out of the build log.
        LogCapture quiet = LogCapture.start();
        try {
            run = run(LeakyProvider.Contract.class, "required_secretsNeverAppearInMessages", "required_secretsNeverAppearInLogs");
        } finally {
            quiet.close();
        }

        assertThat(run.failed().get("required_secretsNeverAppearInMessages"))
                .contains("exception messages hold secrets",
                        "the secret in field 'token' of invalidCredentials()",
                        "thrown by authenticate(invalidCredentials()): \"unknown token <secret>\"",
                        "SECURITY.md #30");
        assertThat(run.failed().get("required_secretsNeverAppearInLogs"))
                .contains("secrets reached the logs or the console",
                        "in a log record of " + LeakyProvider.class.getName() + " INFO",
                        "in System.err: \"",
                        "refused token <secret>",
                        "Fix: never log or print credential values");
        assertThat(run.failed().values()).allSatisfy(message -> assertThat(message).doesNotContain(LeakyProvider.TOKEN_PREFIX + "-"));
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
                "optional_backendStallIsBoundedByTimeout", "optional_backend5xxIsAProviderBackendError",
                "optional_backendGarbageIsAProviderBackendError", "optional_backendOversizedAnswerIsRefused");

        assertThat(run.failed().keySet()).hasSize(5);
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

    private static Run run(Class<?> contract, String... rules) {
        DiscoverySelector[] selectors = rules.length == 0
                ? new DiscoverySelector[] {selectClass(contract)}
                : Arrays.stream(rules).map(r -> selectMethod(contract, r)).toArray(DiscoverySelector[]::new);
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .configurationParameter(OnlyThroughEngineTestKit.KEY, "true")
                .selectors(selectors)
                .execute();
        Events tests = results.testEvents();
        Run run = new Run(messages(tests.failed()), tests.succeeded().stream().map(ContractCatchesBrokenProvidersTest::rule)
                .collect(Collectors.toCollection(TreeSet::new)), messages(tests.aborted()));
        for (String rule : rules) {
            assertThat(run.failed()).as("the rule %s fails", rule).containsKey(rule);
        }
        return run;
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
