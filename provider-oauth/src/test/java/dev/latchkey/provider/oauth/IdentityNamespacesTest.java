package dev.latchkey.provider.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.GoogleCredentialType;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.Session;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.TestClock;
import dev.latchkey.testkit.fake.FakeApple;
import dev.latchkey.testkit.fake.FakeGoogle;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One engine with Google, Apple and email/password: identities are namespaced by provider, and
 * an OAuth identity is never joined to another user because an address matches.
 */
class IdentityNamespacesTest {
    private static final String GOOGLE_CLIENT = "1234-web.apps.googleusercontent.com";
    private static final String APPLE_CLIENT = "com.example.app";

    private final TestClock clock = new TestClock();
    private final FakeGoogle google = new FakeGoogle(clock).client(GOOGLE_CLIENT, "GOCSPX-secret", "postmessage");
    private final FakeApple apple = new FakeApple(clock);
    private final EngineHarness engine = EngineHarness.builder().clock(clock)
            .enable(ProviderTypes.GOOGLE, Map.of("clientId", GOOGLE_CLIENT, "jwksUri", google.jwksUri(),
                    "tokenEndpoint", google.tokenEndpoint(), "userinfoEndpoint", google.userinfoEndpoint()))
            .enable(ProviderTypes.APPLE, Map.of("clientIds", java.util.List.of(APPLE_CLIENT), "jwksUri", apple.jwksUri()))
            .enable(ProviderTypes.EMAIL_PASSWORD, Map.of("autoConfirm", true))
            .build().start();

    @AfterEach
    void close() {
        engine.close();
        google.close();
        apple.close();
    }

    @Test
    void theSameSubjectAtTwoProvidersIsTwoUsers() {
        AuthService service = engine.service();
        Session viaGoogle = service.logIn(Credentials.google(google.issueIdToken(
                google.addAccount("123", "ann@example.com", true, "Ann"), GOOGLE_CLIENT), GoogleCredentialType.ID_TOKEN));
        Session viaApple = service.logIn(Credentials.apple(apple.issueIdToken(
                apple.addUser("123", "ann@example.com", true, false), APPLE_CLIENT)));

        assertThat(viaGoogle.user().id()).isNotEqualTo(viaApple.user().id());
        assertThat(viaGoogle.user().identities()).singleElement().satisfies(i -> assertThat(i.providerType()).isEqualTo(ProviderTypes.GOOGLE));
        assertThat(viaApple.user().identities()).singleElement().satisfies(i -> assertThat(i.providerType()).isEqualTo(ProviderTypes.APPLE));
    }

    @Test
    void aGoogleAccountWithTheAddressOfAnEmailPasswordUserIsNotLinkedToIt() {
        AuthService service = engine.service();
        service.emailPassword().registerUser("ann@example.com", "a long enough secret");
        Session withPassword = service.logIn(Credentials.emailPassword("ann@example.com", "a long enough secret"));

        Session withGoogle = service.logIn(Credentials.google(google.issueIdToken(
                google.addAccount("110169484474386276334", "ann@example.com", true, "Ann"), GOOGLE_CLIENT),
                GoogleCredentialType.ID_TOKEN));

        assertThat(withGoogle.user().id()).isNotEqualTo(withPassword.user().id());
        assertThat(service.findUser(withPassword.user().id()).orElseThrow().identities()).hasSize(1);
        assertThat(withGoogle.user().identities().get(0).profile().email()).isEqualTo("ann@example.com");
    }
}
