package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.latchkey.api.AuthApp;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.User;
import dev.latchkey.core.engine.LogInThrottle;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Guice users install {@link LatchkeyModule} and get the same graph the builders build. */
class LatchkeyModuleTest {

    @Test
    void theModuleGivesOneEngineAndAnAppOverIt(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("latchkey.json");
        Files.writeString(config, "{\"providers\": {\"anon-user\": {\"enabled\": true}}}");
        Injector injector = Guice.createInjector(new LatchkeyModule(LatchkeyOptions.builder("my-app").config(config)
                .dataDirectory(dir.resolve("data")).build()));
        AuthService service = injector.getInstance(AuthService.class);
        AuthApp app = injector.getInstance(AuthApp.class);
        try (app) {
            assertThat(injector.getInstance(AuthService.class)).isSameAs(service);
            assertThat(injector.getInstance(AuthApp.class)).isSameAs(app);
            assertThat(app.appId()).isEqualTo("my-app");
            User user = app.logIn(Credentials.anonymous());
            assertThat(service.verify(user.validAccessToken()).userId()).as("the app runs on the injector's engine")
                    .isEqualTo(user.id());
        }
    }

    @Test
    void theModuleMakesOneLogInThrottleFromTheConfigsThrottleSection(@TempDir Path dir) {
        Injector injector = Guice.createInjector(new LatchkeyModule(LatchkeyOptions.builder("my-app")
                .config("{\"throttle\": {\"accountFailures\": 1}}").dataDirectory(dir).build()));
        LogInThrottle throttle = injector.getInstance(LogInThrottle.class);
        assertThat(injector.getInstance(LogInThrottle.class)).isSameAs(throttle);

        throttle.begin("local-userpass", "bob@example.com", "203.0.113.7").failed();

        assertThatThrownBy(() -> throttle.begin("local-userpass", "bob@example.com", "203.0.113.7"))
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED));
    }

    @Test
    void theModulesAppKeepsItsUsersUnderTheDataDirectory(@TempDir Path dir) {
        LatchkeyOptions options = LatchkeyOptions.builder("my-app").config("{\"providers\": {\"anon-user\": {\"enabled\": true}}}")
                .dataDirectory(dir).build();
        String userId;
        try (AuthApp app = Guice.createInjector(new LatchkeyModule(options)).getInstance(AuthApp.class)) {
            userId = app.logIn(Credentials.anonymous()).id();
        }
        assertThat(dir.resolve("my-app").resolve("session-cache.json")).isRegularFile();
        try (AuthApp restarted = Guice.createInjector(new LatchkeyModule(options)).getInstance(AuthApp.class)) {
            assertThat(restarted.currentUser()).hasValueSatisfying(u -> assertThat(u.id()).isEqualTo(userId));
        }
    }

    @Test
    void theBuildersAppKeepsItsUsersUnderTheDataDirectory(@TempDir Path dir) {
        Latchkey.Builder<AuthApp> builder = Latchkey.app("my-app").dataDirectory(dir)
                .config("{\"providers\": {\"anon-user\": {\"enabled\": true}}}");
        String userId;
        try (AuthApp app = builder.build()) {
            userId = app.logIn(Credentials.anonymous()).id();
        }
        try (AuthApp restarted = builder.build()) {
            assertThat(restarted.currentUser()).hasValueSatisfying(u -> assertThat(u.id()).isEqualTo(userId));
        }
    }
}
