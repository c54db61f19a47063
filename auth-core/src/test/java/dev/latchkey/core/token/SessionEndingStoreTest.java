package dev.latchkey.core.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.store.Store;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The engine sees its store only through {@link SessionEndingStore}; a method it inherited from an
 * interface default instead of passing on would hide the real store's own implementation (as the
 * one-commit log-in of a new user was hidden when {@code Store} gained it as a default).
 */
class SessionEndingStoreTest {
    @Test
    void everyMethodOfTheStoreIsPassedOnNotInheritedFromADefault() throws Exception {
        for (Method method : Store.class.getMethods()) {
            if (Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            Method implementation = SessionEndingStore.class.getMethod(method.getName(), method.getParameterTypes());
            assertThat(implementation.getDeclaringClass())
                    .as("%s(%s) is implemented by SessionEndingStore", method.getName(), Arrays.toString(method.getParameterTypes()))
                    .isEqualTo(SessionEndingStore.class);
        }
    }
}
