package dev.latchkey.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.api.ApiKey;
import dev.latchkey.api.AuthApp;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.Identity;
import dev.latchkey.api.Session;
import dev.latchkey.api.User;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.ProviderContext;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.RecordingListener;
import dev.latchkey.testkit.log.LogCapture;
import dev.latchkey.testkit.log.SecretScan;
import dev.latchkey.testkit.log.SecretScan.Secret;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/**
 * SECURITY.md 30 for the engine and the client layer: through every flow of this version — log-ins
 * of each kind, refreshes, expiry, revocation, API keys, failures, a provider that throws with a
 * secret in its message, a throwing listener — no token, key or secret appears in any log line,
 * console output, exception message or {@code toString()}.
 */
@ResourceLock(LogCapture.RESOURCE_LOCK)
@ResourceLock(Resources.SYSTEM_OUT)
@ResourceLock(Resources.SYSTEM_ERR)
class NoSecretsLeakTest {
    private static final String PROVIDER_SECRET = "provider-secret-code-0123456789";

    /** A provider with a bug: it puts the secret it was given into its exception. */
    private static final class SloppyProvider implements CredentialProvider {
        @Override
        public String type() {
            return "test-sloppy";
        }

        @Override
        public void start(ProviderContext context) {
        }

        @Override
        public Identity authenticate(Credentials credentials) {
            throw new IllegalStateException("cannot use code " + credentials.stringField("code").orElse(""));
        }
    }

    @Test
    void noFlowLeaksASecret() {
        List<Secret> secrets = new ArrayList<>();
        List<String> shown = new java.util.concurrent.CopyOnWriteArrayList<>(); // the event thread adds too
        secrets.add(new Secret("provider secret", PROVIDER_SECRET));
        LogCapture capture = LogCapture.start();
        try (EngineHarness engine = EngineHarness.builder()
                .enable("anon-user").enable("api-key").enable(PasswordlessIdp.TYPE).enable("test-sloppy")
                .provider(new PasswordlessIdp()).provider(new SloppyProvider())
                .build().start()) {
            AuthService service = engine.service();
            AuthApp app = engine.app();
            app.addAuthChangeListener(change -> shown.add(change.toString()));
            app.addAuthChangeListener(change -> {
                throw new IllegalStateException("listener bug");
            });
            RecordingListener events = new RecordingListener();
            app.addAuthChangeListener(events);

            User ann = app.logIn(PasswordlessIdp.as("ann"));
            remember(secrets, "ann", ann);
            ApiKey key = ann.apiKeys().create("laptop");
            secrets.add(new Secret("api key", key.value()));
            secrets.add(new Secret("api key secret part", key.value().substring(16)));
            shown.add(key.toString());
            User viaKey = engine.newClient().logIn(Credentials.apiKey(key.value()));
            remember(secrets, "via key", viaKey);
            ApiKey serverKey = service.createServerApiKey("job");
            secrets.add(new Secret("server key", serverKey.value()));
            Session server = service.logIn(Credentials.apiKey(serverKey.value()));
            secrets.add(new Secret("server refresh", server.refreshToken()));
            secrets.add(new Secret("server access", server.accessToken()));
            shown.add(server.toString());

            User anon = app.logIn(Credentials.anonymous());
            remember(secrets, "anon", anon);
            shown.add(Credentials.apiKey(key.value()).toString());
            shown.add(Credentials.of("test-sloppy", Map.of("code", PROVIDER_SECRET)).toString());

            expectFailure(shown, () -> service.logIn(Credentials.apiKey(key.value().substring(0, 16) + "x".repeat(48))));
            expectFailure(shown, () -> service.logIn(Credentials.apiKey(key.value() + "!")));
            expectFailure(shown, () -> service.logIn(Credentials.of("test-sloppy", Map.of("code", PROVIDER_SECRET))));
            expectFailure(shown, () -> service.verify(ann.accessToken() + "x"));
            expectFailure(shown, () -> service.verify(ann.refreshToken()));
            expectFailure(shown, () -> service.refresh(ann.accessToken()));
            expectFailure(shown, () -> service.refresh(ann.refreshToken() + "x"));

            engine.clock().advance(Duration.ofMinutes(31));
            ann.validAccessToken();
            remember(secrets, "ann refreshed", ann);
            ann.apiKeys().disable(key.id());
            expectFailure(shown, () -> service.logIn(Credentials.apiKey(key.value())));
            expectFailure(shown, viaKey::validAccessToken);
            service.disableUser(ann.id());
            expectFailure(shown, ann::refreshCustomData);
            anon.logOut();
            engine.clock().advance(Duration.ofDays(61));
            expectFailure(shown, () -> service.refresh(server.refreshToken()));
            shown.add(ann.toString());
            shown.add(app.allUsers().toString());
            events.await(dev.latchkey.api.AuthChange.Type.REMOVED, dev.latchkey.api.AuthChange.Cause.LOG_OUT);
        } finally {
            capture.close();
        }

        assertThat(capture.entries()).as("the flows above log something, so the scan is not vacuous").isNotEmpty();
        assertThat(SecretScan.find(capture.entries(), secrets)).isEmpty();
        for (String text : shown) {
            assertThat(SecretScan.find("message or toString", text, secrets)).isEmpty();
        }
    }

    private static void remember(List<Secret> secrets, String who, User user) {
        secrets.add(new Secret(who + " access token", user.accessToken()));
        secrets.add(new Secret(who + " access token signature", user.accessToken().substring(user.accessToken().lastIndexOf('.') + 1)));
        secrets.add(new Secret(who + " refresh token", user.refreshToken()));
    }

    private static void expectFailure(List<String> shown, Supplier<?> call) {
        try {
            call.get();
        } catch (AuthException e) {
            shown.add(e.toString());
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                shown.add(String.valueOf(t));
            }
            return;
        }
        throw new AssertionError("expected the call to fail");
    }

    private static void expectFailure(List<String> shown, Runnable call) {
        expectFailure(shown, () -> {
            call.run();
            return null;
        });
    }
}
