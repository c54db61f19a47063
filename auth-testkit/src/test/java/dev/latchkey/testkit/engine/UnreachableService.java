package dev.latchkey.testkit.engine;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.ErrorCode;
import java.lang.reflect.Proxy;
import java.util.List;

/**
 * An engine out of reach, as a device without a network sees its server: every call but
 * {@code appId()} and {@code close()} fails with {@link ErrorCode#NETWORK}, and is recorded, so a
 * test can prove an app answered without asking. A proxy, because every method behaves the same.
 */
final class UnreachableService {
    private UnreachableService() {
    }

    /**
     * An unreachable engine of an app.
     *
     * @param appId what {@code appId()} answers, as a client knows its app id without asking
     * @param attempted where the names of the calls that were tried are added
     * @return the engine
     */
    static AuthService of(String appId, List<String> attempted) {
        return (AuthService) Proxy.newProxyInstance(AuthService.class.getClassLoader(), new Class<?>[] {AuthService.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "appId" -> appId;
                    case "close" -> null;
                    case "toString" -> "UnreachableService[" + appId + "]";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> {
                        attempted.add(method.getName());
                        throw new AuthException(ErrorCode.NETWORK, "the server cannot be reached");
                    }
                });
    }
}
