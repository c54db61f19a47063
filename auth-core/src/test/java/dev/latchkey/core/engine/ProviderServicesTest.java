package dev.latchkey.core.engine;

import static dev.latchkey.core.engine.ProviderRegistryTest.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.EmailPasswordAuth;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.Session;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.EmailPasswordManager;
import dev.latchkey.api.spi.ProviderContext;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.store.InMemoryStore;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** What the engine offers providers besides settings: registered services, nested settings, ending sessions, extension APIs. */
class ProviderServicesTest {

    /** A service type an application registers for a provider. */
    interface Greeter extends Supplier<String> {
    }

    record Outer(String name, Inner inner, java.util.List<Innermost> entries) {
    }

    record Inner(Integer size, Innermost deeper) {
    }

    record Innermost(Boolean flag) {
    }

    /** A stand-in local-userpass provider that records the calls the engine passes on. */
    static final class RecordingEmailProvider implements CredentialProvider, EmailPasswordManager {
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile ProviderContext context;

        @Override
        public String type() {
            return ProviderTypes.EMAIL_PASSWORD;
        }

        @Override
        public void start(ProviderContext ctx) {
            this.context = ctx;
        }

        @Override
        public Identity authenticate(Credentials credentials) {
            return Identity.of(ProviderTypes.EMAIL_PASSWORD, credentials.stringField("username").orElseThrow());
        }

        @Override
        public void registerUser(String email, String password) {
            calls.add("register " + email + " on " + Thread.currentThread().getName());
        }

        @Override
        public void confirmUser(String token, String tokenId) {
            calls.add("confirm " + tokenId);
        }

        @Override
        public void resendConfirmationEmail(String email) {
            if (email.equals("bug@example.com")) {
                throw new NullPointerException("secret-ish internal detail");
            }
            calls.add("resend " + email);
        }

        @Override
        public void retryCustomConfirmation(String email) {
            calls.add("retry " + email);
        }

        @Override
        public void sendResetPasswordEmail(String email) {
            calls.add("send-reset " + email);
        }

        @Override
        public void resetPassword(String token, String tokenId, String newPassword) {
            calls.add("reset " + tokenId);
        }

        @Override
        public void callResetPasswordFunction(String email, String newPassword, List<Object> args) {
            calls.add("call-reset " + email + " " + args);
        }
    }

    @Test
    void anApplicationRegisteredServiceIsFoundByItsType() {
        TestIdpProvider idp = new TestIdpProvider();
        Greeter greeter = () -> "hello";
        try (AuthService ignored = Latchkey.service("app").store(new InMemoryStore()).provider(idp).service(Greeter.class, greeter)
                .config("{\"providers\": {\"test-idp\": {\"enabled\": true}}}").build()) {
            assertThat(idp.context.service(Greeter.class)).isSameAs(greeter);
            assertThat(idp.context.optionalService(Greeter.class)).containsSame(greeter);
            assertThat(idp.context.optionalService(Runnable.class)).isEmpty();
            assertThat(idp.context.service(ExecutorService.class)).isNotNull();
            assertThat(idp.context.optionalService(SecureRandom.class)).isPresent();
            assertFails(() -> idp.context.service(Runnable.class), ErrorCode.CONFIGURATION,
                    "no service of type java.lang.Runnable", ".service(Runnable.class, ...)");
        }
    }

    @Test
    void aServiceIsRegisteredOnceAndNeverReplacesAnEngineService() {
        assertFails(() -> Latchkey.service("app").service(Greeter.class, () -> "a").service(Greeter.class, () -> "b"),
                ErrorCode.CONFIGURATION, "registered twice");
        assertFails(() -> Latchkey.service("app").service(SecureRandom.class, new SecureRandom()),
                ErrorCode.CONFIGURATION, "the engine provides java.security.SecureRandom itself");
        @SuppressWarnings({"unchecked", "rawtypes"})
        Class<Object> lying = (Class) Greeter.class;
        assertFails(() -> Latchkey.service("app").service(lying, "not a greeter"), ErrorCode.CONFIGURATION, "is not one");
        assertFails(() -> Latchkey.service("app").service(Greeter.class, null), ErrorCode.CONFIGURATION, "must not be null");
    }

    @Test
    void nestedSettingsSectionsAreBoundAndTheirUnknownKeysNamedWithTheirPath() {
        CapturingProvider<Outer> provider = new CapturingProvider<>(Outer.class);
        try (AuthService ignored = engine(provider, "{\"name\": \"n\", \"inner\": {\"size\": 3, \"deeper\": {\"flag\": true}}}")) {
            assertThat(provider.settings).isEqualTo(new Outer("n", new Inner(3, new Innermost(true)), null));
        }
        assertFails(() -> engine(new CapturingProvider<>(Outer.class), "{\"inner\": {\"sise\": 3}}"), ErrorCode.CONFIGURATION,
                "providers.capturing.inner: unknown setting [sise]", "known: [deeper, size]");
        assertFails(() -> engine(new CapturingProvider<>(Outer.class), "{\"inner\": {\"deeper\": {\"flag\": true, \"x\": 1}}}"),
                ErrorCode.CONFIGURATION, "providers.capturing.inner.deeper: unknown setting [x]");
        assertFails(() -> engine(new CapturingProvider<>(Outer.class), "{\"entries\": [{\"flag\": true}, {\"flga\": true}]}"),
                ErrorCode.CONFIGURATION, "providers.capturing.entries[1]: unknown setting [flga]");
        assertFails(() -> engine(new CapturingProvider<>(Outer.class), "{\"inner\": 7}"), ErrorCode.CONFIGURATION,
                "providers.capturing.inner", "wrong type");
    }

    @Test
    void aProviderEndsTheSessionsOfOneOfItsIdentities() {
        TestIdpProvider idp = new TestIdpProvider();
        try (AuthService service = ProviderRegistryTest.engine(idp, "{}")) {
            Session a1 = service.logIn(TestIdpProvider.credentials("a"));
            Session a2 = service.logIn(TestIdpProvider.credentials("a"));
            Session b = service.logIn(TestIdpProvider.credentials("b"));

            assertThat(idp.context.endSessions("a")).isEqualTo(2);

            assertFails(() -> service.refresh(a1.refreshToken()), ErrorCode.INVALID_SESSION);
            assertFails(() -> service.refresh(a2.refreshToken()), ErrorCode.INVALID_SESSION);
            assertFails(() -> service.verify(a1.accessToken()), ErrorCode.INVALID_SESSION);
            assertThat(service.refresh(b.refreshToken()).user().id()).isEqualTo(b.user().id());
            assertThat(idp.context.endSessions("nobody")).isZero();
        }
    }

    @Test
    void emailPasswordCallsFailClearlyWhenTheProviderIsAbsentOrOff() {
        try (AuthService service = Latchkey.service("app").store(new InMemoryStore()).build()) {
            assertFails(() -> service.emailPassword().registerUser("a@example.com", "secret-pw"), ErrorCode.PROVIDER_NOT_FOUND,
                    "dev.latchkey:provider-email");
        }
        try (AuthService service = Latchkey.service("app").store(new InMemoryStore()).provider(new RecordingEmailProvider()).build()) {
            assertFails(() -> service.emailPassword().sendResetPasswordEmail("a@example.com"), ErrorCode.PROVIDER_DISABLED,
                    "\"local-userpass\": {\"enabled\": true}");
            assertThat(service.emailPassword().confirmUserAsync("t", "id"))
                    .failsWithin(java.time.Duration.ofSeconds(10))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .satisfies(e -> assertThat(e.getCause()).hasMessageContaining("not enabled"));
        }
    }

    @Test
    void emailPasswordCallsReachTheProviderWithCheckedArguments() {
        RecordingEmailProvider provider = new RecordingEmailProvider();
        try (AuthService service = ProviderRegistryTest.engine(provider, "{}")) {
            EmailPasswordAuth auth = service.emailPassword();
            auth.registerUserAsync("a@example.com", "pw").join();
            auth.confirmUser("t", "id1");
            auth.resendConfirmationEmail("b@example.com");
            auth.retryCustomConfirmationAsync("c@example.com").join();
            auth.sendResetPasswordEmailAsync("d@example.com").join();
            auth.resetPasswordAsync("t", "id2", "pw2").join();
            auth.callResetPasswordFunction("e@example.com", "pw3", "x", 1, Map.of("k", List.of(true)));
            Object[] args = {"before"};
            java.util.concurrent.CompletableFuture<Void> pending = auth.callResetPasswordFunctionAsync("f@example.com", "pw4", args);
            args[0] = "after";
            pending.join();

            assertThat(provider.calls).hasSize(8);
            assertThat(provider.calls.get(0)).startsWith("register a@example.com on latchkey-worker");
            assertThat(provider.calls).contains("confirm id1", "resend b@example.com", "retry c@example.com",
                    "send-reset d@example.com", "reset id2", "call-reset e@example.com [x, 1, {k=[true]}]");
            assertThat(provider.calls.get(7)).isEqualTo("call-reset f@example.com [before]");

            assertFails(() -> auth.registerUser(null, "pw"), ErrorCode.INVALID_PARAMETER, "email must not be null");
            assertFails(() -> auth.resendConfirmationEmail("bug@example.com"), ErrorCode.INTERNAL, "failed unexpectedly (NullPointerException)");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> auth.resendConfirmationEmail("bug@example.com"))
                    .hasMessageNotContaining("secret-ish").hasNoCause();
            assertFails(() -> auth.resetPassword("t", null, "pw"), ErrorCode.INVALID_PARAMETER, "token id must not be null");
            assertFails(() -> auth.callResetPasswordFunction("e@example.com", "pw", new Object()), ErrorCode.MALFORMED,
                    "arguments must be JSON values");
            assertThat(auth.registerUserAsync("a@example.com", null)).failsWithin(java.time.Duration.ofSeconds(10))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .satisfies(e -> assertThat(e.getCause()).hasMessageContaining("password must not be null"));
            assertThat(provider.calls).hasSize(8);
        }
    }

    private static AuthService engine(CredentialProvider provider, String settingsJson) {
        return ProviderRegistryTest.engine(provider, settingsJson);
    }

    /** A provider that binds its settings to a given class and keeps them. */
    static final class CapturingProvider<S> implements CredentialProvider {
        private final Class<S> settingsType;
        volatile S settings;

        CapturingProvider(Class<S> settingsType) {
            this.settingsType = settingsType;
        }

        @Override
        public String type() {
            return "capturing";
        }

        @Override
        public void start(ProviderContext context) {
            settings = context.settings(settingsType);
        }

        @Override
        public Identity authenticate(Credentials credentials) {
            return Identity.of(type(), "x");
        }
    }
}
