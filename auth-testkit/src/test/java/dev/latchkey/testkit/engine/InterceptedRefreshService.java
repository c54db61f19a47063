package dev.latchkey.testkit.engine;

import dev.latchkey.api.AuthService;
import dev.latchkey.api.Session;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.function.UnaryOperator;

/**
 * A real engine whose {@code refresh} goes through a test's interceptor first: to fail it with an
 * {@link Error}, or to change the world at the exact moment a refresh is in flight. Every other
 * call goes straight to the engine. A proxy, because the test only cares about one method of a
 * wide interface.
 */
final class InterceptedRefreshService {
    private InterceptedRefreshService() {
    }

    /**
     * Wraps an engine.
     *
     * @param engine the real engine
     * @param beforeRefresh runs before each refresh with the refresh token; may throw, or return the token to use
     * @return the wrapped engine
     */
    static AuthService around(AuthService engine, UnaryOperator<String> beforeRefresh) {
        return (AuthService) Proxy.newProxyInstance(AuthService.class.getClassLoader(), new Class<?>[] {AuthService.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("refresh")) {
                        Session session = engine.refresh(beforeRefresh.apply((String) args[0]));
                        return session;
                    }
                    try {
                        return method.invoke(engine, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
