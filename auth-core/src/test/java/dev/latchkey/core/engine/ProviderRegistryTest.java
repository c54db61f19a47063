package dev.latchkey.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.ProviderContext;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.store.InMemoryStore;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URLClassLoader;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import okhttp3.OkHttpClient;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Provider discovery, configuration checks at start-up, and the provider's view of the engine. */
class ProviderRegistryTest {

    @Test
    void builtInProvidersAreFoundByServiceLoaderButOffUntilEnabled() {
        try (AuthService service = Latchkey.service("app").store(new InMemoryStore()).build()) {
            assertFails(() -> service.logIn(Credentials.anonymous()), ErrorCode.PROVIDER_DISABLED,
                    "provider 'anon-user' is on the class path but not enabled", "\"anon-user\": {\"enabled\": true}");
        }
        try (AuthService service = Latchkey.service("app").store(new InMemoryStore()).config("{\"providers\": {\"anon-user\": {\"enabled\": true}}}").build()) {
            assertThat(service.logIn(Credentials.anonymous()).user().identities()).extracting(Identity::providerType)
                    .containsExactly("anon-user");
        }
    }

    @Test
    void aMissingProviderJarIsNamedWithItsArtifact() {
        try (AuthService service = Latchkey.service("app").store(new InMemoryStore()).build()) {
            assertFails(() -> service.logIn(Credentials.emailPassword("a@example.com", "password1")), ErrorCode.PROVIDER_NOT_FOUND,
                    "'local-userpass'", "dev.latchkey:provider-email", "found: [anon-user, api-key]");
            assertFails(() -> service.logIn(Credentials.google("c", dev.latchkey.api.GoogleCredentialType.AUTH_CODE)),
                    ErrorCode.PROVIDER_NOT_FOUND, "dev.latchkey:provider-oauth");
            assertFails(() -> service.logIn(Credentials.jwt("a.b.c")), ErrorCode.PROVIDER_NOT_FOUND, "dev.latchkey:provider-custom");
            assertFails(() -> service.logIn(Credentials.of("oauth2-github", Map.of("code", "x"))), ErrorCode.PROVIDER_NOT_FOUND,
                    "@AutoService");
        }
    }

    @Test
    void configuringAnUnknownProviderFailsAtStart() {
        assertFails(() -> Latchkey.service("app").store(new InMemoryStore()).config("{\"providers\": {\"local-userpass\": {\"enabled\": true}}}").build(),
                ErrorCode.CONFIGURATION, "providers.local-userpass", "dev.latchkey:provider-email");
        assertFails(() -> Latchkey.service("app").store(new InMemoryStore()).config("{\"providers\": {\"anon-usr\": {\"enabled\": false}}}").build(),
                ErrorCode.CONFIGURATION, "providers.anon-usr", "found: [anon-user, api-key]");
    }

    /**
     * Two jars that register providers of one type are simulated by a class loader over a
     * directory this test writes (a services file naming two classes of the test sources): the
     * registration exists only for this test, never on the module's class path.
     */
    @Test
    void twoJarsClaimingOneTypeFailAtStartNamingBoth(@TempDir Path jar) throws Exception {
        Path services = jar.resolve("META-INF/services/" + CredentialProvider.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, DuplicateTypeProviders.First.class.getName() + "\n"
                + DuplicateTypeProviders.Second.class.getName() + "\n");
        Thread thread = Thread.currentThread();
        ClassLoader original = thread.getContextClassLoader();
        try (URLClassLoader twoJars = new URLClassLoader(new URL[] {jar.toUri().toURL()}, original)) {
            thread.setContextClassLoader(twoJars);
            assertFails(() -> Latchkey.service("app").store(new InMemoryStore()).build(), ErrorCode.CONFIGURATION, "two providers claim type 'dup-type'",
                    "DuplicateTypeProviders$First", "DuplicateTypeProviders$Second", "remove one of the jars");
        } finally {
            thread.setContextClassLoader(original);
        }
    }

    @Test
    void aProviderAddedInCodeReplacesTheDiscoveredOneOfItsType() {
        CredentialProvider fixedAnon = new CredentialProvider() {
            @Override
            public String type() {
                return "anon-user";
            }

            @Override
            public void start(ProviderContext context) {
            }

            @Override
            public Identity authenticate(Credentials credentials) {
                return Identity.of("anon-user", "always-the-same");
            }
        };
        try (AuthService service = Latchkey.service("app").store(new InMemoryStore()).provider(fixedAnon)
                .config("{\"providers\": {\"anon-user\": {\"enabled\": true}}}").build()) {
            assertThat(service.logIn(Credentials.anonymous()).user().id()).isEqualTo(service.logIn(Credentials.anonymous()).user().id());
        }
    }

    @Test
    void settingsAreBoundToTheProvidersClassWithDefaults() {
        TestIdpProvider idp = new TestIdpProvider();
        try (AuthService ignored = engine(idp, "{\"greeting\": \"hi\", \"window\": \"PT5M\"}")) {
            assertThat(idp.settings).isEqualTo(new TestIdpProvider.Settings("hi", 64, Duration.ofMinutes(5)));
            assertThat(idp.context.providerType()).isEqualTo("test-idp");
            assertThat(idp.context.appId()).isEqualTo("app");
        }
    }

    @Test
    void badSettingsFailStartNamingTheSettingButNotItsValue() {
        assertFails(() -> engine(new TestIdpProvider(), "{\"greting\": \"hi\"}"), ErrorCode.CONFIGURATION,
                "providers.test-idp: unknown setting [greting]", "known: [greeting, maxAccountLength, window]");
        assertFails(() -> engine(new TestIdpProvider(), "{\"maxAccountLength\": \"lots-of-secret-words\"}"), ErrorCode.CONFIGURATION,
                "providers.test-idp.maxAccountLength", "wrong type");
        assertFails(() -> engine(new TestIdpProvider(), "{\"maxAccountLength\": 0}"), ErrorCode.CONFIGURATION,
                "providers.test-idp: maxAccountLength must be at least 1");
        assertFails(() -> engine(new TestIdpProvider(), "{\"window\": \"five minutes\"}"), ErrorCode.CONFIGURATION,
                "providers.test-idp.window");
        assertThatThrownBy(() -> engine(new TestIdpProvider(), "{\"maxAccountLength\": \"lots-of-secret-words\"}"))
                .hasMessageNotContaining("lots-of-secret-words");
    }

    @Test
    void settingsGivenToAProviderThatReadsNoneAreAnError() {
        assertFails(() -> Latchkey.service("app").store(new InMemoryStore()).config("{\"providers\": {\"anon-user\": {\"enabled\": true, \"reuse\": true}}}").build(),
                ErrorCode.CONFIGURATION, "providers.anon-user: the provider takes no settings, but got [reuse]");
    }

    @Test
    void aProviderThatCrashesOnStartIsReportedWithoutItsMessage() {
        CredentialProvider crashing = new TestIdpProvider() {
            @Override
            public void start(ProviderContext ctx) {
                throw new IllegalStateException("secret-setting-value");
            }
        };
        assertFails(() -> engine(crashing, "{}"), ErrorCode.CONFIGURATION, "providers.test-idp: the provider failed to start with",
                "IllegalStateException");
        assertThatThrownBy(() -> engine(crashing, "{}")).hasMessageNotContaining("secret-setting-value");
    }

    @Test
    void providersGetTheSharedServices() {
        TestIdpProvider idp = new TestIdpProvider();
        try (AuthService ignored = engine(idp, "{}")) {
            OkHttpClient http = idp.context.service(OkHttpClient.class);
            assertThat(http.connectTimeoutMillis()).isEqualTo(5_000);
            assertThat(http.callTimeoutMillis()).isEqualTo(15_000);
            assertThat(http.followRedirects()).isFalse();
            assertThat(idp.context.service(OkHttpClient.class)).isSameAs(http);
            assertThat(idp.context.service(ScheduledExecutorService.class)).isNotNull();
            assertThat(idp.context.service(SecureRandom.class)).isNotNull();
            assertFails(() -> idp.context.service(String.class), ErrorCode.CONFIGURATION, "no service of type java.lang.String");
            assertThat(idp.context.clock()).isNotNull();
        }
    }

    @Test
    void anAppIdIsChecked() {
        assertFails(() -> Latchkey.service("bad app id").store(new InMemoryStore()).build(), ErrorCode.CONFIGURATION, "app id");
        assertFails(() -> Latchkey.service(null).store(new InMemoryStore()).build(), ErrorCode.CONFIGURATION, "app id");
        assertFails(() -> Latchkey.service("..").store(new InMemoryStore()).build(), ErrorCode.CONFIGURATION, "not '.' or '..'");
        assertFails(() -> Latchkey.service(".").store(new InMemoryStore()).build(), ErrorCode.CONFIGURATION, "not '.' or '..'");
    }

    @Test
    void anUnsupportedDatabaseIsRefusedAtStartWithoutShowingItsPassword() {
        assertFails(() -> Latchkey.service("app").config("{\"store\": {\"jdbcUrl\": \"jdbc:mysql://db/app?password=hunter2\"}}").build(),
                ErrorCode.CONFIGURATION, "store.jdbcUrl", "'jdbc:mysql://db/app'", "jdbc:postgresql:");
        assertThatThrownBy(() -> Latchkey.service("app").config("{\"store\": {\"jdbcUrl\": \"jdbc:mysql://db/app?password=hunter2\"}}")
                .build()).hasMessageNotContaining("hunter2");
    }

    static AuthService engine(CredentialProvider provider, String settingsJson) {
        String config = "{\"providers\": {\"" + provider.type() + "\": " + settingsJson.replaceFirst("\\{", "{\"enabled\": true,")
                .replace("true,}", "true}") + "}}";
        return Latchkey.service("app").store(new InMemoryStore()).provider(provider).config(config).build();
    }

    static void assertFails(ThrowingCallable call, ErrorCode code, String... messageParts) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AuthException.class, e -> {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            for (String part : messageParts) {
                assertThat(e.getMessage()).contains(part);
            }
        });
    }
}
