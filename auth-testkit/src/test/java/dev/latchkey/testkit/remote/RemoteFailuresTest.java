package dev.latchkey.testkit.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.api.AuthApp;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.User;
import dev.latchkey.core.Latchkey;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.fake.Failure;
import dev.latchkey.testkit.fake.JsonReply;
import dev.latchkey.testkit.log.LogCapture;
import dev.latchkey.testkit.log.SecretScan;
import dev.latchkey.testkit.log.SecretScan.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The HTTP client against a server that lets it down (down, stalled, trickling, 5xx, 429, garbage,
 * oversized) or answers something hostile (wrong types, huge values, a token of another user, a
 * location that would send tokens elsewhere): each is a clear {@link AuthException}, nothing of it
 * reaches the app's users, and no secret reaches a message or a log line.
 */
class RemoteFailuresTest {
    private static final String LOGIN = "auth/providers/test-code/login";

    private EngineHarness engine;
    private FakeAppServices server;
    private AuthApp app;

    @BeforeEach
    void start() {
        engine = EngineHarness.builder().appId("remote-app").enable("anon-user").enable("api-key").provider(new CodeIdp()).enable(CodeIdp.TYPE)
                .build().start();
        server = new FakeAppServices(engine.service());
        app = Latchkey.app("remote-app").baseUrl(server.url("/")).dataDirectory(null).clock(engine.clock())
                .timeout(Duration.ofSeconds(1)).build();
    }

    @AfterEach
    void stop() {
        app.close();
        server.close();
        engine.close();
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

    @ParameterizedTest
    @EnumSource(Failure.class)
    void aFailingServerIsAClearErrorAndNoUser(Failure failure) {
        server.failWith(failure);
        ErrorCode expected = switch (failure) {
            case DOWN, STALL, SLOW -> ErrorCode.NETWORK;
            case TOO_MANY_REQUESTS -> ErrorCode.RATE_LIMITED;
            case SERVER_ERROR, GARBAGE, OVERSIZED -> ErrorCode.PROVIDER_BACKEND;
        };
        AuthException e = assertCode(() -> app.logIn(CodeIdp.as("alice")), expected);
        if (failure == Failure.TOO_MANY_REQUESTS) {
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(30));
        }
        assertThat(app.currentUser()).isEmpty();
        assertThat(app.allUsers()).isEmpty();
    }

    @Test
    void aFailedLocationIsAskedAgainNextTime() {
        server.failWith(Failure.SERVER_ERROR);
        assertCode(() -> app.logIn(CodeIdp.as("alice")), ErrorCode.PROVIDER_BACKEND);
        server.reset();
        assertThat(app.logIn(CodeIdp.as("alice")).isLoggedIn()).isTrue();
    }

    @Test
    void aFailingServerDuringAnAuthenticatedCallLeavesTheUserLoggedIn() {
        User anon = app.logIn(Credentials.anonymous());
        server.failWith(Failure.GARBAGE);
        assertCode(() -> anon.linkCredentials(CodeIdp.as("bob")), ErrorCode.PROVIDER_BACKEND);
        assertThat(anon.isLoggedIn()).isTrue();
    }

    private void answerLogIn(Map<String, ?> answer) {
        server.route(server.appPath(LOGIN), request -> JsonReply.ok(answer));
    }

    private Map<String, Object> goodLogIn() {
        var session = engine.service().logIn(CodeIdp.as("mallory"));
        return new java.util.HashMap<>(Map.of("access_token", session.accessToken(), "refresh_token", session.refreshToken(),
                "user_id", session.user().id(), "device_id", session.deviceId()));
    }

    @Test
    void hostileLogInAnswersAreRefused() {
        List<Map<String, Object>> answers = new ArrayList<>();
        Map<String, Object> a;
        a = goodLogIn(); a.put("user_id", 42); answers.add(a);
        a = goodLogIn(); a.put("user_id", "x".repeat(100_000)); answers.add(a);
        a = goodLogIn(); a.put("user_id", "line\nbreak"); answers.add(a);
        a = goodLogIn(); a.remove("access_token"); answers.add(a);
        a = goodLogIn(); a.put("access_token", List.of("not", "a", "token")); answers.add(a);
        a = goodLogIn(); a.put("access_token", "not-a-jwt"); answers.add(a);
        a = goodLogIn(); a.put("access_token", jwt("{\"sub\":\"u\"}")); answers.add(a);
        a = goodLogIn(); a.put("access_token", jwt("{\"exp\":\"soon\"}")); answers.add(a);
        a = goodLogIn(); a.put("access_token", jwt("{\"exp\":1e400}")); answers.add(a);
        a = goodLogIn(); a.put("access_token", jwt("[".repeat(10_000) + "]".repeat(10_000))); answers.add(a);
        a = goodLogIn(); a.put("access_token", jwt("{\"exp\":4102444800,\"sub\":\"someone-else\"}")); answers.add(a);
        a = goodLogIn(); a.put("access_token", jwt("{\"exp\":4102444800,\"user_data\":\"text\"}")); answers.add(a);
        a = goodLogIn(); a.put("refresh_token", "a b"); answers.add(a);
        a = goodLogIn(); a.put("refresh_token", "r".repeat(20_000)); answers.add(a);
        a = goodLogIn(); a.put("device_id", "../../etc"); answers.add(a);
        for (Map<String, Object> answer : answers) {
            answerLogIn(answer);
            assertCode(() -> app.logIn(CodeIdp.as("mallory")), ErrorCode.PROVIDER_BACKEND);
            assertThat(app.allUsers()).isEmpty();
        }
    }

    @Test
    void aHostileAnswerThatWouldBeAnArrayOrNullIsRefused() {
        server.route(server.appPath(LOGIN), request -> JsonReply.ok(List.of(1, 2, 3)));
        assertCode(() -> app.logIn(CodeIdp.as("mallory")), ErrorCode.PROVIDER_BACKEND);
        server.route(server.appPath(LOGIN), request -> JsonReply.ok(null));
        assertCode(() -> app.logIn(CodeIdp.as("mallory")), ErrorCode.PROVIDER_BACKEND);
    }

    @Test
    void hostileProfilesAreRefusedAndTheirSessionEnded() {
        List<Map<String, Object>> profiles = List.of(
                Map.of("user_id", "someone-else", "identities", List.of(Map.of("id", "a", "provider_type", "test-code")),
                        "data", Map.of(), "type", "normal"),
                Map.of("identities", "none", "data", Map.of(), "type", "normal"),
                Map.of("identities", List.of(), "data", Map.of(), "type", "normal"),
                Map.of("identities", List.of(Map.of("id", "a", "provider_type", "NOT A TYPE")), "data", Map.of(), "type", "normal"),
                Map.of("identities", List.of(Map.of("id", "a", "provider_type", "test-code")), "data", Map.of(), "type", "admin"),
                Map.of("identities", List.of(Map.of("id", "a", "provider_type", "test-code")), "data", Map.of("name", 7),
                        "type", "normal"),
                Map.of("identities", List.of(Map.of("id", "a", "provider_type", "test-code")),
                        "data", Map.of("name", "n".repeat(10_000)), "type", "normal"),
                Map.of("identities", List.of(Map.of("id", "a", "provider_type", "test-code")), "data", Map.of("min_age", "old"),
                        "type", "normal"));
        for (Map<String, Object> hostile : profiles) {
            server.route(FakeAppServices.PREFIX + "/auth/profile", request -> {
                String userId = engine.service().verify(request.header("Authorization").orElseThrow().substring(7)).userId();
                Map<String, Object> answer = new java.util.HashMap<>(hostile);
                answer.putIfAbsent("user_id", userId);
                return JsonReply.ok(answer);
            });
            long logOutsBefore = server.count("DELETE", FakeAppServices.PREFIX + "/auth/session");
            assertCode(() -> app.logIn(CodeIdp.as("mallory")), ErrorCode.PROVIDER_BACKEND);
            assertThat(app.allUsers()).isEmpty();
            assertThat(server.count("DELETE", FakeAppServices.PREFIX + "/auth/session"))
                    .as("the session the server opened is ended").isEqualTo(logOutsBefore + 1);
        }
    }

    @Test
    void aLocationThatWouldSendTokensElsewhereInTheClearIsRefused() {
        for (String hostname : List.of("http://auth.example.com", "http://127.0.0.1.evil.example", "javascript:alert(1)",
                "https://user:pw@auth.example.com")) {
            server.route(server.appPath("location"), request -> JsonReply.ok(Map.of("hostname", hostname)));
            assertCode(() -> app.logIn(CodeIdp.as("alice")), ErrorCode.PROVIDER_BACKEND);
        }
        assertThat(server.count("POST", server.appPath(LOGIN))).as("no credentials were sent").isZero();
    }

    @Test
    void redirectsAreNotFollowed() {
        server.route(server.appPath("location"), request -> new JsonReply(302, Map.of(), Map.of("Location", "https://example.com/")));
        assertCode(() -> app.logIn(CodeIdp.as("alice")), ErrorCode.PROVIDER_BACKEND);
    }

    @Test
    void anUnknownAppIsAConfigurationError() {
        server.route(server.appPath("location"), request -> JsonReply.status(404, Map.of("error", "no such app")));
        assertCode(() -> app.logIn(CodeIdp.as("alice")), ErrorCode.CONFIGURATION);
    }

    @Test
    @ResourceLock(LogCapture.RESOURCE_LOCK)
    void noSecretReachesAMessageOrALogLine() {
        String password = "correct-horse-battery-staple-1";
        List<Secret> secrets = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        secrets.add(new Secret("password", password));
        try (LogCapture logs = LogCapture.start()) {
            User alice = app.logIn(CodeIdp.as("alice"));
            secrets.add(new Secret("access token", alice.accessToken()));
            secrets.add(new Secret("refresh token", alice.refreshToken()));
            var key = alice.apiKeys().create("k");
            secrets.add(new Secret("api key", key.value()));
            // A server that echoes what it was sent into its error.
            server.route(server.appPath("auth/providers/local-userpass/register"), request -> JsonReply.status(400,
                    Map.of("error", "cannot use " + request.body(), "error_code", "BadRequest")));
            messages.add(assertCode(() -> app.emailPassword().registerUser("bob@example.com", password), ErrorCode.BAD_PASSWORD)
                    .getMessage());
            server.route(server.appPath(LOGIN), request -> JsonReply.status(401,
                    Map.of("error", "bad " + request.body() + " " + request.header("Authorization").orElse(""),
                            "error_code", "InvalidPassword")));
            messages.add(assertCode(() -> alice.linkCredentials(CodeIdp.as("alice-" + password)), ErrorCode.INVALID_CREDENTIALS)
                    .getMessage());
            server.refuseEveryAccessToken();
            engine.service().logOut(alice.refreshToken());
            messages.add(assertCode(() -> app.deleteUser(alice), ErrorCode.INVALID_SESSION).getMessage());
            messages.add(alice.toString());
            server.failWith(Failure.DOWN);
            messages.add(assertCode(() -> app.logIn(CodeIdp.as("alice")), ErrorCode.NETWORK).getMessage());

            assertThat(SecretScan.find(logs.entries(), secrets)).isEmpty();
        }
        for (String message : messages) {
            assertThat(SecretScan.find("message", message, secrets)).as(message).isEmpty();
        }
        assertThat(String.join("\n", messages)).contains("(hidden)");
    }

    private static String jwt(String claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
    }
}
