package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.api.ApiKey;
import dev.latchkey.api.AuthApp;
import dev.latchkey.api.AuthChange;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.User;
import dev.latchkey.api.UserState;
import dev.latchkey.core.Latchkey;
import dev.latchkey.testkit.RecordingListener;
import dev.latchkey.testkit.TestClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client's remote mode ({@code Latchkey.app(id).baseUrl(url)}) against the real server:
 * the two halves of issue 8 meet here, over HTTP on loopback. The engine and the client share a
 * {@link TestClock}, so access tokens expire when the test says.
 */
class JavaClientOverHttpTest {
    private static final String ADMIN_KEY = "admin-key-for-the-java-client-test-0123456789";
    private static final String CONFIG = """
            { "providers": { "anon-user": { "enabled": true }, "api-key": { "enabled": true },
                             "local-userpass": { "enabled": true, "autoConfirm": true } },
              "server": { "adminKey": "%s", "rateLimit": { "enabled": false } } }
            """.formatted(ADMIN_KEY);

    @TempDir
    Path serverData;
    @TempDir
    Path clientData;

    private final TestClock clock = new TestClock();
    private TestServer server;
    private AuthApp app;

    @AfterEach
    void close() {
        if (app != null) {
            app.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void startServer() {
        server = TestServer.start(ServerOptions.defaults().withPort(0).withDataDirectory(serverData).withConfigJson(CONFIG)
                .withEngineSetup(engine -> engine.clock(clock)), Clock.systemUTC());
    }

    private AuthApp client() {
        return Latchkey.app("latchkey").baseUrl(server.server.url()).dataDirectory(clientData).clock(clock).build();
    }

    /** Registers an account (auto-confirmed) over HTTP and returns its credentials. */
    private Credentials registered(String email) {
        app.emailPassword().registerUser(email, "correct horse battery staple");
        return Credentials.emailPassword(email, "correct horse battery staple");
    }

    @Test
    void anEmailPasswordUserRegistersLogsInAndComesBackAfterARestartOffline() {
        startServer();
        app = client();
        app.emailPassword().registerUser("ada@example.com", "correct horse battery staple");

        User ada = app.logIn(Credentials.emailPassword("ada@example.com", "correct horse battery staple"));

        assertThat(ada.isLoggedIn()).isTrue();
        assertThat(ada.providerType()).isEqualTo("local-userpass");
        assertThat(ada.profile().email()).isEqualTo("ada@example.com");
        assertThat(ada.identities()).extracting(i -> i.providerType()).containsExactly("local-userpass");
        assertThat(app.currentUser()).contains(ada);
        assertThatThrownBy(() -> app.logIn(Credentials.emailPassword("ada@example.com", "wrong password here")))
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS));

        String id = ada.id();
        app.close();
        server.close();
        app = client();
        Optional<User> restored = app.currentUser();
        assertThat(restored).as("the session cache answers with the server down").isPresent();
        assertThat(restored.get().id()).isEqualTo(id);
        assertThat(restored.get().isLoggedIn()).isTrue();
    }

    @Test
    void anExpiredAccessTokenIsRefreshedThroughTheServer() {
        startServer();
        app = client();
        User user = app.logIn(Credentials.anonymous());
        String first = user.accessToken();
        RecordingListener events = new RecordingListener();
        user.addChangeListener(events);

        clock.advance(Duration.ofMinutes(31));
        String second = user.validAccessToken();

        assertThat(second).isNotEqualTo(first);
        events.await(AuthChange.Type.TOKEN_REFRESHED, AuthChange.Cause.REFRESH);
    }

    @Test
    void apiKeysAreCreatedOverHttpAndLogIn() {
        startServer();
        app = client();
        User owner = app.logIn(registered("grace@example.com"));

        ApiKey key = owner.apiKeys().create("laptop");
        assertThat(key.value()).as("shown once, at creation").isNotBlank();
        assertThat(owner.apiKeys().fetchAll()).extracting(ApiKey::name).containsExactly("laptop");

        User viaKey = app.logIn(Credentials.apiKey(key.value()));
        assertThat(viaKey.id()).isEqualTo(owner.id());
    }

    @Test
    void anAnonymousUserLinksAnEmailPasswordIdentity() {
        startServer();
        app = client();
        app.emailPassword().registerUser("linus@example.com", "correct horse battery staple");
        User anonymous = app.logIn(Credentials.anonymous());

        User linked = anonymous.linkCredentials(Credentials.emailPassword("linus@example.com", "correct horse battery staple"));

        assertThat(linked.identities()).extracting(i -> i.providerType()).containsExactlyInAnyOrder("anon-user", "local-userpass");
        User again = app.logIn(Credentials.emailPassword("linus@example.com", "correct horse battery staple"));
        assertThat(again.id()).as("the password now logs in to the linked user").isEqualTo(anonymous.id());
    }

    @Test
    void sessionsRevokedByAnAdminLogTheUserOutWithAnEvent() throws IOException {
        startServer();
        app = client();
        User user = app.logIn(registered("hopper@example.com"));
        RecordingListener events = new RecordingListener();
        user.addChangeListener(events);

        TestServer.Reply revoked = server.call("DELETE", "/api/admin/v1/users/" + user.id() + "/sessions", null, ADMIN_KEY);
        assertThat(revoked.status()).isEqualTo(200);

        // The access token is refused (401), the one refresh is refused too: logged out, no loop.
        assertThatThrownBy(() -> user.apiKeys().fetchAll())
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SESSION));
        events.await(AuthChange.Type.LOGGED_OUT, AuthChange.Cause.SESSION_ENDED);
        assertThat(user.state()).isEqualTo(UserState.LOGGED_OUT);
    }

    @Test
    void aLoggedOutRefreshTokenIsRefusedByTheServer() throws IOException {
        startServer();
        app = client();
        User user = app.logIn(Credentials.anonymous());
        String refreshToken = user.refreshToken();

        user.logOut();

        TestServer.Reply refresh = server.call("POST", "/api/client/v2.0/auth/session", null, refreshToken);
        assertThat(refresh.status()).isEqualTo(401);
        assertThat(refresh.errorCode()).isEqualTo("InvalidSession");
        assertThat(user.state()).as("anonymous users are removed on log-out").isEqualTo(UserState.REMOVED);
    }

    @Test
    void deletingAUserDeletesItOnTheServer() throws IOException {
        startServer();
        app = client();
        User user = app.logIn(registered("curie@example.com"));
        String refreshToken = user.refreshToken();

        app.deleteUser(user);

        assertThat(server.call("POST", "/api/client/v2.0/auth/session", null, refreshToken).status()).isEqualTo(401);
        assertThat(server.call("GET", "/api/admin/v1/users/" + user.id(), null, ADMIN_KEY).status()).isEqualTo(404);
        assertThatThrownBy(() -> app.logIn(Credentials.emailPassword("curie@example.com", "correct horse battery staple")))
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS));
    }
}
