package dev.latchkey.provider.custom;

import java.util.Map;

/**
 * A second {@link AuthFunction}, registered only in the {@code META-INF/services} file a test
 * writes to a temporary directory, to show that two functions on the class path fail start-up.
 */
public final class SecondAuthFunction implements AuthFunction {

    /** Made by ServiceLoader. */
    public SecondAuthFunction() {
    }

    @Override
    public FunctionIdentity authenticate(Map<String, Object> payload) {
        return FunctionIdentity.of("second");
    }
}
