package dev.latchkey.provider.custom;

import com.google.auto.service.AutoService;
import java.util.Map;

/**
 * An {@link AuthFunction} registered the way a library ships one, with
 * {@code @AutoService(AuthFunction.class)} (the processor runs on test sources too), so the
 * provider's ServiceLoader path has something to find: it answers {@code classpath-<username>}.
 */
@AutoService(AuthFunction.class)
public final class ClassPathAuthFunction implements AuthFunction {

    /** Made by ServiceLoader. */
    public ClassPathAuthFunction() {
    }

    @Override
    public FunctionIdentity authenticate(Map<String, Object> payload) {
        if (!(payload.get("username") instanceof String username)) {
            throw new IllegalArgumentException("a username is required");
        }
        return FunctionIdentity.of("classpath-" + username);
    }
}
