package dev.latchkey.testkit.contract;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a rule of the {@link CredentialProviderContract} that arrived after the contract's first
 * level, and the level it arrived at. A rule without it belongs to level {@link ContractLevel#FIRST}.
 * While the testkit's level ({@link ContractLevel#CURRENT}) is the rule's level, the rule is
 * <em>provisional</em> for provider tests that declare an older level: see {@link ContractLevel}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface AddedAtLevel {
    /**
     * The contract level the rule arrived at.
     *
     * @return the level, greater than {@link ContractLevel#FIRST}
     */
    int value();
}
