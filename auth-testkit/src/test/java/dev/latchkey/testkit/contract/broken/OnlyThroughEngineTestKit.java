package dev.latchkey.testkit.contract.broken;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Keeps the contract tests of deliberately broken providers from running, and failing, as
 * ordinary tests (in an IDE's "run all", say): they run only when
 * {@link ContractCatchesBrokenProvidersTest} launches them through EngineTestKit with the
 * configuration parameter {@value #KEY} set. Their class names already escape Surefire's default
 * includes; this makes the intent explicit.
 */
public final class OnlyThroughEngineTestKit implements ExecutionCondition {
    /** The configuration parameter that enables the broken contracts. */
    public static final String KEY = "latchkey.testkit.runBrokenProviderContracts";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return context.getConfigurationParameter(KEY).map(Boolean::parseBoolean).orElse(false)
                ? ConditionEvaluationResult.enabled("launched by ContractCatchesBrokenProvidersTest")
                : ConditionEvaluationResult.disabled("a deliberately broken provider: run only through ContractCatchesBrokenProvidersTest");
    }
}
