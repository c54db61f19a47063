package dev.latchkey.testkit.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import dev.latchkey.api.ApiKey;
import dev.latchkey.api.AuthApp;
import dev.latchkey.api.AuthChange;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.User;
import dev.latchkey.api.UserState;
import dev.latchkey.core.Latchkey;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.Race;
import dev.latchkey.testkit.RecordingListener;
import dev.latchkey.testkit.fake.BackendRequest;
import dev.latchkey.testkit.fake.Failure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client of an auth-server ({@code Latchkey.app(id).baseUrl(url)}) against a fake App Services
 * server on loopback that answers from a real engine: each route's request and answer, the
 * refused-token path (refresh once, retry once, single flight, log out on a refused refresh),
 * back-off, and the session cache's offline start.
 */
class RemoteAuthAppTest {
    private static final String SESSION = FakeAppServices.PREFIX + "/auth/session";

    private EngineHarness engine;
    private FakeAppServices server;
    private AuthApp app;

    @TempDir
    Path dataDirectory;

    @BeforeEach
    void start() {
        engine = EngineHarness.builder().appId("remote-app").enable("anon-user").enable("api-key")
                .provider(new CodeIdp()).enable(CodeIdp.TYPE).build().start();
        server = new FakeAppServices(engine.service());
        app = newApp();
    }

    @AfterEach
    void stop() {
        app.close();
        server.close();
        engine.close();
    }

    private AuthApp newApp() {
        return Latchkey.app("remote-app").baseUrl(server.url("/")).dataDirectory(dataDirectory)
                .clock(engine.clock()).timeout(Duration.ofSeconds(2)).build();
    }

    private static AuthException assertCode(Executable call, ErrorCode code) {
        try {
            call.execute();
        } catch (AuthException e) {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            return e;
        } catch (Throwable t) {
            throw new AssertionError("expected AuthException " + code + " but got " + t, t);
        }
        throw new AssertionError("expected AuthException " + code + " but the call returned");
    }

    private BackendRequest last(String method, String path) {
        List<BackendRequest> matching = server.requests().stream()
                .filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
        assertThat(matching).as(method + " " + path).isNotEmpty();
        return matching.get(matching.size() - 1);
    }

    @Test
    void buildingSendsNothing() {
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void logInAsksTheLocationPostsTheCredentialsWithTheDeviceAndReadsTheProfile() {
        User alice = app.logIn(CodeIdp.as("alice"));

        BackendRequest login = last("POST", server.appPath("auth/providers/test-code/login"));
        JsonObject body = login.jsonBody().orElseThrow();
        assertThat(body.get("user").getAsString()).isEqualTo("alice");
        assertThat(body.getAsJsonObject("options").getAsJsonObject("device").get("deviceId").getAsString())
                .isEqualTo(alice.deviceId());
        assertThat(login.header("Authorization")).isEmpty();
        BackendRequest profile = last("GET", FakeAppServices.PREFIX + "/auth/profile");
        assertThat(profile.header("Authorization")).contains("Bearer " + alice.accessToken());
        assertThat(server.count("GET", server.appPath("location"))).isEqualTo(1);

        assertThat(alice.state()).isEqualTo(UserState.LOGGED_IN);
        assertThat(alice.id()).isEqualTo(engine.service().verify(alice.accessToken()).userId());
        assertThat(alice.profile().name()).isEqualTo("alice");
        assertThat(alice.profile().email()).isEqualTo("alice@example.com");
        assertThat(alice.profile().minAge()).isEqualTo(21);
        assertThat(alice.identities()).singleElement().satisfies(i -> {
            assertThat(i.providerType()).isEqualTo(CodeIdp.TYPE);
            assertThat(i.subject()).isEqualTo("alice");
        });
        assertThat(app.currentUser()).containsSame(alice);
    }

    @Test
    void theLocationIsAskedOnce() {
        app.logIn(CodeIdp.as("alice"));
        app.logIn(CodeIdp.as("bob"));
        assertThat(server.count("GET", server.appPath("location"))).isEqualTo(1);
    }

    @Test
    void wrongCredentialsAreInvalidCredentials() {
        assertCode(() -> app.logIn(Credentials.of(CodeIdp.TYPE, Map.of("user", "alice", "code", "nope"))),
                ErrorCode.INVALID_CREDENTIALS);
        assertThat(app.currentUser()).isEmpty();
    }

    @Test
    void aDisabledProviderIsProviderNotFound() {
        assertCode(() -> app.logIn(Credentials.of("local-userpass", Map.of("username", "a@b.c", "password", "x"))),
                ErrorCode.PROVIDER_NOT_FOUND);
    }

    @Test
    void aStaleAccessTokenIsRefreshedWithTheRefreshTokenBeforeUse() {
        User alice = app.logIn(CodeIdp.as("alice"));
        String first = alice.accessToken();
        engine.clock().advance(Duration.ofMinutes(31));

        String renewed = alice.validAccessToken();

        assertThat(renewed).isNotEqualTo(first);
        assertThat(last("POST", SESSION).header("Authorization")).contains("Bearer " + alice.refreshToken());
        assertThat(engine.service().verify(renewed).userId()).isEqualTo(alice.id());
    }

    @Test
    void customDataComesWithTheRefreshedToken() {
        User alice = app.logIn(CodeIdp.as("alice"));
        engine.service().setCustomData(alice.id(), Map.of("colour", "green"));
        assertThat(alice.refreshCustomData()).containsEntry("colour", "green");
        assertThat(alice.customData()).containsEntry("colour", "green");
    }

    @Test
    void linkingPostsWithLinkTrueAndTheAccessTokenAndReadsTheNewIdentities() {
        User anon = app.logIn(Credentials.anonymous());
        anon.linkCredentials(CodeIdp.as("carol"));

        BackendRequest link = last("POST", server.appPath("auth/providers/test-code/login"));
        assertThat(link.queryParameter("link")).contains("true");
        assertThat(link.header("Authorization")).contains("Bearer " + anon.accessToken());
        assertThat(anon.identities()).extracting(i -> i.providerType()).containsExactly("anon-user", CodeIdp.TYPE);
    }

    @Test
    void linkingAnIdentityOfAnotherUserIsIdentityInUse() {
        app.logIn(CodeIdp.as("carol"));
        User anon = app.logIn(Credentials.anonymous());
        assertCode(() -> anon.linkCredentials(CodeIdp.as("carol")), ErrorCode.IDENTITY_IN_USE);
    }

    @Test
    void logOutDeletesTheSessionWithTheRefreshToken() {
        User alice = app.logIn(CodeIdp.as("alice"));
        String refreshToken = alice.refreshToken();
        alice.logOut();

        assertThat(last("DELETE", SESSION).header("Authorization")).contains("Bearer " + refreshToken);
        assertThat(alice.state()).isEqualTo(UserState.LOGGED_OUT);
        assertCode(() -> engine.service().refresh(refreshToken), ErrorCode.INVALID_SESSION);
    }

    @Test
    void anAnonymousUserIsDeletedOnTheServerWhenItLogsOut() {
        User anon = app.logIn(Credentials.anonymous());
        String id = anon.id();
        anon.logOut();

        assertThat(anon.state()).isEqualTo(UserState.REMOVED);
        assertThat(server.count("DELETE", FakeAppServices.PREFIX + "/auth/delete")).isEqualTo(1);
        assertThat(engine.service().findUser(id)).isEmpty();
    }

    @Test
    void anAnonymousUserWithAnExpiredTokenIsStillDeletedOnLogOut() {
        User anon = app.logIn(Credentials.anonymous());
        String id = anon.id();
        engine.clock().advance(Duration.ofMinutes(31));
        anon.logOut();
        assertThat(engine.service().findUser(id)).isEmpty();
    }

    @Test
    void deleteUserDeletesWithTheAccessToken() {
        User alice = app.logIn(CodeIdp.as("alice"));
        String token = alice.accessToken();
        app.deleteUser(alice);

        assertThat(last("DELETE", FakeAppServices.PREFIX + "/auth/delete").header("Authorization")).contains("Bearer " + token);
        assertThat(alice.state()).isEqualTo(UserState.REMOVED);
        assertThat(engine.service().findUser(alice.id())).isEmpty();
    }

    @Test
    void apiKeysGoThroughTheApiKeyRoutesWithTheRefreshToken() {
        User alice = app.logIn(CodeIdp.as("alice"));
        ApiKey key = alice.apiKeys().create("ci");
        assertThat(key.value()).isNotBlank();
        assertThat(key.enabled()).isTrue();
        BackendRequest create = last("POST", FakeAppServices.PREFIX + "/auth/api_keys");
        assertThat(create.header("Authorization")).contains("Bearer " + alice.refreshToken());
        assertThat(create.jsonBody().orElseThrow().get("name").getAsString()).isEqualTo("ci");

        assertThat(alice.apiKeys().fetchAll()).extracting(ApiKey::id).containsExactly(key.id());
        alice.apiKeys().disable(key.id());
        assertThat(last("PUT", FakeAppServices.PREFIX + "/auth/api_keys/" + key.id() + "/disable")).isNotNull();
        assertThat(alice.apiKeys().fetch(key.id()).enabled()).isFalse();
        alice.apiKeys().enable(key.id());
        assertThat(alice.apiKeys().fetch(key.id()).enabled()).isTrue();
        assertThat(alice.apiKeys().fetch(key.id()).value()).as("never shown again").isNull();

        try (AuthApp otherDevice = Latchkey.app("remote-app").baseUrl(server.url("/")).dataDirectory(null)
                .clock(engine.clock()).build()) {
            assertThat(otherDevice.logIn(Credentials.apiKey(key.value())).id()).isEqualTo(alice.id());
        }

        alice.apiKeys().delete(key.id());
        assertThat(alice.apiKeys().fetchAll()).isEmpty();
        assertCode(() -> alice.apiKeys().fetch(".."), ErrorCode.API_KEY_NOT_FOUND);
        assertCode(() -> alice.apiKeys().create("ci-" + "x".repeat(5000)), ErrorCode.INVALID_PARAMETER);
    }

    @Test
    void anAccessTokenTheServerRefusesIsRefreshedOnceAndTheCallRetriedOnce() {
        User anon = app.logIn(Credentials.anonymous());
        String refused = anon.accessToken();
        server.refuseAccessToken(refused);

        anon.linkCredentials(CodeIdp.as("dave"));

        assertThat(server.count("POST", SESSION)).isEqualTo(1);
        assertThat(server.count("POST", server.appPath("auth/providers/test-code/login"))).isEqualTo(2);
        assertThat(anon.accessToken()).isNotEqualTo(refused);
        assertThat(anon.identities()).hasSize(2);
    }

    @Test
    void eightCallersRefusedTogetherShareOneRefresh() throws Exception {
        User anon = app.logIn(Credentials.anonymous());
        server.refuseAccessToken(anon.accessToken());

        List<User> linked = Race.run(8, index -> anon.linkCredentials(CodeIdp.as("racer-" + index)));

        assertThat(linked).hasSize(8);
        assertThat(server.count("POST", SESSION)).as("one refresh for eight refusals").isEqualTo(1);
        assertThat(engine.service().findUser(anon.id()).orElseThrow().identities()).hasSize(9);
    }

    @Test
    void aSecondRefusalAfterTheRefreshFailsTheCallWithoutLooping() {
        User anon = app.logIn(Credentials.anonymous());
        server.refuseEveryAccessToken();

        assertCode(() -> anon.linkCredentials(CodeIdp.as("erin")), ErrorCode.INVALID_SESSION);

        assertThat(server.count("POST", SESSION)).isEqualTo(1);
        assertThat(server.count("POST", server.appPath("auth/providers/test-code/login"))).isEqualTo(2);
        assertThat(anon.isLoggedIn()).as("the refresh itself succeeded").isTrue();
    }

    @Test
    void aRefusedRefreshLogsTheUserOutWithAnEvent() {
        User alice = app.logIn(CodeIdp.as("alice"));
        RecordingListener listener = new RecordingListener();
        alice.addChangeListener(listener);
        server.refuseAccessToken(alice.accessToken());
        engine.service().logOut(alice.refreshToken());   // the session ended on the server

        assertCode(() -> alice.linkCredentials(CodeIdp.as("frank")), ErrorCode.INVALID_SESSION);

        assertThat(alice.state()).isEqualTo(UserState.LOGGED_OUT);
        listener.await(AuthChange.Type.LOGGED_OUT, AuthChange.Cause.SESSION_ENDED);
        assertThat(server.count("POST", SESSION)).isEqualTo(1);
        assertThat(app.currentUser()).isEmpty();
    }

    @Test
    void failedRefreshesBackOff() {
        User alice = app.logIn(CodeIdp.as("alice"));
        engine.clock().advance(Duration.ofMinutes(31));
        server.failWith(Failure.SERVER_ERROR);

        assertCode(alice::validAccessToken, ErrorCode.PROVIDER_BACKEND);
        int afterFirst = server.requestCount();
        AuthException waiting = assertCode(alice::validAccessToken, ErrorCode.PROVIDER_BACKEND);
        assertThat(waiting.retryAfter()).isPresent();
        assertThat(server.requestCount()).as("no request while backing off").isEqualTo(afterFirst);

        engine.clock().advance(Duration.ofSeconds(2));
        server.reset();
        assertThat(alice.validAccessToken()).isNotNull();
        assertThat(alice.isLoggedIn()).isTrue();
    }

    @Test
    void restartedWithTheServerDownTheCachedUserIsThere() {
        User alice = app.logIn(CodeIdp.as("alice"));
        String token = alice.accessToken();
        app.close();
        server.failWith(Failure.DOWN);

        app = newApp();

        User restored = app.currentUser().orElseThrow();
        assertThat(restored.id()).isEqualTo(alice.id());
        assertThat(restored.isLoggedIn()).isTrue();
        assertThat(restored.profile().name()).isEqualTo("alice");
        assertThat(restored.validAccessToken()).as("still fresh: no network needed").isEqualTo(token);
        engine.clock().advance(Duration.ofMinutes(31));
        assertCode(restored::validAccessToken, ErrorCode.NETWORK);
        assertThat(restored.isLoggedIn()).as("offline is not logged out").isTrue();

        server.reset();
        engine.clock().advance(Duration.ofMinutes(10));
        assertThat(restored.validAccessToken()).isNotEqualTo(token);
    }

    @Test
    void emailPasswordRoutesPostWhatTheRealmSdksPost() {
        Map<String, String> sent = new java.util.concurrent.ConcurrentHashMap<>();
        for (String route : List.of("register", "confirm", "confirm/send", "confirm/call", "reset", "reset/send", "reset/call")) {
            server.route(server.appPath("auth/providers/local-userpass/" + route), request -> {
                sent.put(route, request.body());
                return dev.latchkey.testkit.fake.JsonReply.ok(Map.of());
            });
        }
        var auth = app.emailPassword();
        auth.registerUser("bob@example.com", "pw-one-1234");
        auth.confirmUser("tok", "tokid");
        auth.resendConfirmationEmail("bob@example.com");
        auth.retryCustomConfirmation("bob@example.com");
        auth.resetPassword("tok2", "tokid2", "pw-two-1234");
        auth.sendResetPasswordEmail("bob@example.com");
        auth.callResetPasswordFunctionAsync("bob@example.com", "pw-three-1234", "hint", 3).join();

        assertThat(sent.get("register")).isEqualTo("{\"email\":\"bob@example.com\",\"password\":\"pw-one-1234\"}");
        assertThat(sent.get("confirm")).isEqualTo("{\"token\":\"tok\",\"tokenId\":\"tokid\"}");
        assertThat(sent.get("confirm/send")).isEqualTo("{\"email\":\"bob@example.com\"}");
        assertThat(sent.get("confirm/call")).isEqualTo("{\"email\":\"bob@example.com\"}");
        assertThat(sent.get("reset")).isEqualTo("{\"token\":\"tok2\",\"tokenId\":\"tokid2\",\"password\":\"pw-two-1234\"}");
        assertThat(sent.get("reset/send")).isEqualTo("{\"email\":\"bob@example.com\"}");
        assertThat(sent.get("reset/call")).isEqualTo(
                "{\"email\":\"bob@example.com\",\"password\":\"pw-three-1234\",\"arguments\":[\"hint\",3]}");
        assertCode(() -> auth.registerUser(null, "x"), ErrorCode.INVALID_PARAMETER);
    }

    @Test
    void emailPasswordErrorsMapBackToTheirCodes() {
        server.route(server.appPath("auth/providers/local-userpass/register"), request -> FakeAppServices.error(
                new AuthException(ErrorCode.ACCOUNT_NAME_IN_USE, "name already in use")));
        server.route(server.appPath("auth/providers/local-userpass/confirm"), request -> FakeAppServices.error(
                new AuthException(ErrorCode.USERPASS_TOKEN_INVALID, "invalid token data")));
        server.route(server.appPath("auth/providers/local-userpass/reset"), request -> FakeAppServices.error(
                new AuthException(ErrorCode.BAD_PASSWORD, "password too short")));

        assertCode(() -> app.emailPassword().registerUser("bob@example.com", "pw-one-1234"), ErrorCode.ACCOUNT_NAME_IN_USE);
        assertCode(() -> app.emailPassword().confirmUser("t", "i"), ErrorCode.USERPASS_TOKEN_INVALID);
        assertCode(() -> app.emailPassword().resetPassword("t", "i", "x"), ErrorCode.BAD_PASSWORD);
    }

    @Test
    void plainHttpIsOnlyForLoopbackAndTheAppIdMustBeWellFormed() {
        assertCode(() -> Latchkey.app("a").baseUrl("http://auth.example.com").build(), ErrorCode.CONFIGURATION);
        assertCode(() -> Latchkey.app("a").baseUrl("ftp://auth.example.com").build(), ErrorCode.CONFIGURATION);
        assertCode(() -> Latchkey.app("a").baseUrl("https://user:pw@auth.example.com").build(), ErrorCode.CONFIGURATION);
        assertCode(() -> Latchkey.app("a").baseUrl(null).build(), ErrorCode.CONFIGURATION);
        assertCode(() -> Latchkey.app("..").baseUrl("https://auth.example.com").build(), ErrorCode.CONFIGURATION);
        assertCode(() -> Latchkey.app("a/b").baseUrl("https://auth.example.com").build(), ErrorCode.CONFIGURATION);
        assertCode(() -> Latchkey.app("a").baseUrl("https://auth.example.com").timeout(Duration.ZERO).build(),
                ErrorCode.CONFIGURATION);
        Latchkey.app("a").baseUrl("https://auth.example.com").dataDirectory(null).build().close();
        Latchkey.app("a").baseUrl("http://[::1]:9").dataDirectory(null).build().close();
    }

    @Test
    void nullArgumentsAreInvalidParameter() {
        User alice = app.logIn(CodeIdp.as("alice"));
        assertCode(() -> app.logIn(null), ErrorCode.INVALID_PARAMETER);
        assertCode(() -> alice.linkCredentials(null), ErrorCode.INVALID_PARAMETER);
        assertCode(() -> alice.apiKeys().fetch(null), ErrorCode.INVALID_PARAMETER);
        assertThatThrownBy(() -> alice.apiKeys().create(null)).isInstanceOf(AuthException.class);
    }
}
