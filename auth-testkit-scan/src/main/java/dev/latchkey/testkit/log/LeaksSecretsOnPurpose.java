package dev.latchkey.testkit.log;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Exempts a test method, or every test of a class, from the build-wide secret scan
 * ({@link SecretScanExtension}), because it puts secrets into logs, streams or exceptions on
 * purpose: a deliberately leaky provider run through the contract, the tests of the capture and
 * scan themselves. Put it on the narrowest element that needs it, and say why: the reason is part
 * of the review.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface LeaksSecretsOnPurpose {
    /**
     * Why the test leaks.
     *
     * @return the reason, for a reviewer
     */
    String value();
}
