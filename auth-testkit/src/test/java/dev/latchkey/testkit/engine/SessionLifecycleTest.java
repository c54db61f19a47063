package dev.latchkey.testkit.engine;

import static dev.latchkey.testkit.engine.AuthAppTest.assertCode;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.api.AuthApp;
import dev.latchkey.api.AuthChange;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Session;
import dev.latchkey.api.User;
import dev.latchkey.api.UserState;
import dev.latchkey.core.Latchkey;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.Race;
import dev.latchkey.testkit.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tokens over time, and sessions under racing calls (SECURITY.md 25, 26). */
class SessionLifecycleTest {
    @RegisterExtension
    final EngineHarness engine = EngineHarness.builder()
            .enable("anon-user").enable("api-key").enable(PasswordlessIdp.TYPE)
            .provider(new PasswordlessIdp())
            .build();

    @Test
    void aFreshAccessTokenIsReusedAndAStaleOneRefreshed() {
        AuthApp app = engine.app();
        RecordingListener events = new RecordingListener();
        User ann = app.logIn(PasswordlessIdp.as("ann"));
        ann.addChangeListener(events);
        String first = ann.accessToken();
        engine.clock().advance(Duration.ofMinutes(29));
        assertThat(ann.validAccessToken()).isEqualTo(first);
        engine.clock().advance(Duration.ofSeconds(45));
        String second = ann.validAccessToken();
        assertThat(second).isNotEqualTo(first);
        assertThat(ann.accessToken()).isEqualTo(second);
        assertThat(engine.service().verify(second).userId()).isEqualTo(ann.id());
        events.await(AuthChange.Type.TOKEN_REFRESHED, AuthChange.Cause.REFRESH);
    }

    @Test
    void anAccessTokenExpiresAfterThirtyMinutes() {
        Session s = engine.service().logIn(PasswordlessIdp.as("ann"));
        engine.clock().advance(Duration.ofMinutes(30).plusSeconds(31));
        assertCode(() -> engine.service().verify(s.accessToken()), ErrorCode.INVALID_SESSION, "expired");
        assertThat(engine.service().refresh(s.refreshToken()).accessToken()).isNotEqualTo(s.accessToken());
    }

    // SECURITY.md 26
    @Test
    void anExpiredRefreshTokenLogsTheUserOutAndTellsListeners() {
        AuthApp app = engine.app();
        RecordingListener events = new RecordingListener();
        app.addAuthChangeListener(events);
        User ann = app.logIn(PasswordlessIdp.as("ann"));
        String refreshToken = ann.refreshToken();
        engine.clock().advance(Duration.ofDays(60).plusSeconds(1));

        assertCode(ann::validAccessToken, ErrorCode.INVALID_SESSION, "expired");
        assertThat(ann.state()).isEqualTo(UserState.LOGGED_OUT);
        assertThat(app.currentUser()).isEmpty();
        AuthChange change = events.await(AuthChange.Type.LOGGED_OUT, AuthChange.Cause.SESSION_ENDED);
        assertThat(change.user()).isSameAs(ann);
        assertCode(() -> engine.service().refresh(refreshToken), ErrorCode.INVALID_SESSION);
        assertThat(app.logIn(PasswordlessIdp.as("ann"))).as("logging in again revives the same user").isSameAs(ann);
        assertThat(ann.isLoggedIn()).isTrue();
    }

    @Test
    void theRefreshTokenLifetimeIsConfigurable() {
        try (EngineHarness shortSessions = EngineHarness.builder().enable("anon-user")
                .tokens(Map.of("refreshTokenTtl", "PT30M", "accessTokenTtl", "PT5M")).build().start()) {
            Session s = shortSessions.service().logIn(Credentials.anonymous());
            assertThat(s.refreshTokenExpiresAt()).isEqualTo(shortSessions.clock().instant().plus(Duration.ofMinutes(30)));
            assertThat(s.accessTokenExpiresAt()).isEqualTo(shortSessions.clock().instant().plus(Duration.ofMinutes(5)));
            shortSessions.clock().advance(Duration.ofMinutes(29));
            shortSessions.service().refresh(s.refreshToken());
            shortSessions.clock().advance(Duration.ofMinutes(2));
            assertCode(() -> shortSessions.service().refresh(s.refreshToken()), ErrorCode.INVALID_SESSION, "expired");
        }
    }

    // SECURITY.md 25
    @Test
    void aDisabledUserIsLoggedOutAtItsNextRefresh() {
        AuthApp app = engine.app();
        RecordingListener events = new RecordingListener();
        app.addAuthChangeListener(events);
        User ann = app.logIn(PasswordlessIdp.as("ann"));
        User anon = engine.newClient().logIn(Credentials.anonymous());
        engine.service().disableUser(ann.id());
        engine.service().disableUser(anon.id());
        assertCode(ann::refreshCustomData, ErrorCode.INVALID_SESSION);
        assertThat(ann.state()).isEqualTo(UserState.LOGGED_OUT);
        events.await(AuthChange.Type.LOGGED_OUT, AuthChange.Cause.SESSION_ENDED);
        assertCode(anon::refreshCustomData, ErrorCode.INVALID_SESSION);
        assertThat(anon.state()).as("an anonymous user whose session ends is gone").isEqualTo(UserState.REMOVED);
    }

    @Test
    void concurrentCallersShareOneRefresh() throws Exception {
        AuthApp app = engine.app();
        User ann = app.logIn(PasswordlessIdp.as("ann"));
        RecordingListener events = new RecordingListener();
        ann.addChangeListener(events);
        int rounds = 50;
        for (int round = 0; round < rounds; round++) {
            engine.clock().advance(Duration.ofMinutes(31));
            List<String> tokens = Race.run(16, i -> ann.validAccessToken());
            assertThat(new HashSet<>(tokens)).as("round %d", round).hasSize(1);
        }
        ann.logOut();
        events.await(AuthChange.Type.LOGGED_OUT, AuthChange.Cause.LOG_OUT);
        assertThat(events.changes()).filteredOn(c -> c.type() == AuthChange.Type.TOKEN_REFRESHED).hasSize(rounds);
    }

    @Test
    void anErrorInARefreshReleasesEveryCallerWaitingOnIt() throws Exception {
        AuthApp app = Latchkey.client(InterceptedRefreshService.around(engine.service(), token -> {
            throw new AssertionError("the engine broke");
        }), engine.clock());
        try {
            User ann = app.logIn(PasswordlessIdp.as("ann"));
            engine.clock().advance(Duration.ofMinutes(31));
            List<Throwable> failures = Race.run(8, i -> {
                try {
                    ann.validAccessToken();
                    return null;
                } catch (AssertionError e) {
                    return e;
                }
            });
            assertThat(failures).as("every caller returns, none hangs").hasSize(8).allSatisfy(
                    f -> assertThat(f).isInstanceOf(AssertionError.class).hasMessage("the engine broke"));
            assertThat(ann.isLoggedIn()).isTrue();
        } finally {
            app.close();
        }
    }

    @Test
    void aUserWhoLogsInAgainDuringARefreshGetsTheNewSessionsToken() {
        AtomicReference<AuthApp> app = new AtomicReference<>();
        app.set(Latchkey.client(InterceptedRefreshService.around(engine.service(), token -> {
            app.get().logIn(PasswordlessIdp.as("ann"));
            return token;
        }), engine.clock()));
        try {
            User ann = app.get().logIn(PasswordlessIdp.as("ann"));
            engine.clock().advance(Duration.ofMinutes(31));
            String token = ann.validAccessToken();
            assertThat(ann.isLoggedIn()).isTrue();
            assertThat(token).isEqualTo(ann.accessToken());
            assertThat(engine.service().verify(token).sessionId()).isEqualTo(engine.service().verify(ann.accessToken()).sessionId());
        } finally {
            app.get().close();
        }
    }

    @Test
    void refreshingCustomDataShowsWhatTheAdminSet() {
        User ann = engine.app().logIn(PasswordlessIdp.as("ann"));
        RecordingListener events = new RecordingListener();
        ann.addChangeListener(events);
        assertThat(ann.customData()).isEmpty();
        engine.service().setCustomData(ann.id(), Map.of("favouriteColour", "green"));
        assertThat(ann.customData()).as("not before a refresh").isEmpty();
        assertThat(ann.refreshCustomData()).containsEntry("favouriteColour", "green");
        assertThat(ann.customData()).containsEntry("favouriteColour", "green");
        events.await(AuthChange.Type.PROFILE_CHANGED, AuthChange.Cause.REFRESH);
        assertThat(engine.service().verify(ann.accessToken()).customData()).containsEntry("favouriteColour", "green");
    }

    @Test
    void racingFirstLogInsOfOneIdentityMakeExactlyOneUser() throws Exception {
        List<String> viaService = Race.run(64, i -> engine.service().logIn(PasswordlessIdp.as("newcomer")).user().id());
        assertThat(new HashSet<>(viaService)).hasSize(1);

        List<AuthApp> devices = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            devices.add(engine.newClient());
        }
        List<String> viaApps = Race.run(64, i -> devices.get(i % devices.size()).logIn(PasswordlessIdp.as("second-newcomer")).id());
        assertThat(new HashSet<>(viaApps)).hasSize(1);
        for (AuthApp device : devices) {
            assertThat(device.allUsers()).hasSize(1);
        }
    }

    @Test
    void noSessionOutlivesItsLogOutWhenRefreshesRace() throws Exception {
        for (int round = 0; round < 30; round++) {
            AuthApp device = engine.newClient();
            User user = device.logIn(PasswordlessIdp.as("racer-" + round));
            String refreshToken = user.refreshToken();
            engine.clock().advance(Duration.ofMinutes(31));
            Set<String> handedOut = java.util.concurrent.ConcurrentHashMap.newKeySet();
            Race.run(8, i -> {
                try {
                    if (i == 0) {
                        user.logOut();
                    } else {
                        handedOut.add(user.validAccessToken());
                    }
                } catch (AuthException e) {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SESSION);
                }
                return null;
            });
            assertThat(user.state()).isEqualTo(UserState.LOGGED_OUT);
            assertCode(() -> engine.service().refresh(refreshToken), ErrorCode.INVALID_SESSION);
            for (String token : handedOut) {
                assertCode(() -> engine.service().verify(token), ErrorCode.INVALID_SESSION);
            }
        }
    }

    @Test
    void noSessionOutlivesItsUserWhenLogInsRefreshesAndDeletesRace() throws Exception {
        AuthService service = engine.service();
        for (int round = 0; round < 30; round++) {
            String name = "doomed-" + round;
            Session s = service.logIn(PasswordlessIdp.as(name));
            String userId = s.user().id();
            List<Session> opened = java.util.Collections.synchronizedList(new ArrayList<>());
            Race.run(8, i -> {
                try {
                    switch (i % 4) {
                        case 0 -> service.deleteUser(userId);
                        case 1 -> opened.add(service.refresh(s.refreshToken()));
                        case 2 -> service.logOut(s.refreshToken());
                        default -> opened.add(service.logIn(PasswordlessIdp.as(name)));
                    }
                } catch (AuthException e) {
                    assertThat(e.code()).isIn(ErrorCode.INVALID_SESSION, ErrorCode.USER_NOT_FOUND, ErrorCode.INVALID_CREDENTIALS);
                }
                return null;
            });
            for (Session o : opened) {
                if (o.user().id().equals(userId)) {
                    assertCode(() -> service.refresh(o.refreshToken()), ErrorCode.INVALID_SESSION);
                    assertCode(() -> service.verify(o.accessToken()), ErrorCode.INVALID_SESSION);
                }
            }
        }
    }

    @Test
    void aRotatedKeyStaysPublishedUntilItsTokensHaveExpired() throws Exception {
        AuthService service = engine.service();
        Session before = service.logIn(PasswordlessIdp.as("ann"));
        String oldKid = SignedJWT.parse(before.accessToken()).getHeader().getKeyID();
        service.rotateSigningKey();
        assertThat(kids(service.jwks())).as("published at once").hasSize(2).contains(oldKid);
        Session meanwhile = service.refresh(before.refreshToken());
        assertThat(SignedJWT.parse(meanwhile.accessToken()).getHeader().getKeyID()).as("but signing only a minute later")
                .isEqualTo(oldKid);
        engine.clock().advance(Duration.ofMinutes(1));
        Session after = service.refresh(before.refreshToken());
        String newKid = SignedJWT.parse(after.accessToken()).getHeader().getKeyID();
        assertThat(newKid).isNotEqualTo(oldKid);
        assertThat(service.verify(before.accessToken()).userId()).isEqualTo(before.user().id());
        assertThat(kids(service.jwks())).containsExactlyInAnyOrder(oldKid, newKid);

        // The old key signs until a minute after the rotation; its tokens live 30 minutes more, plus
        // 30 s of skew, plus a minute in which another engine may still sign with it.
        engine.clock().advance(Duration.ofMinutes(31));
        assertThat(kids(service.jwks())).containsExactlyInAnyOrder(oldKid, newKid);
        engine.clock().advance(Duration.ofMinutes(1));
        assertThat(kids(service.jwks())).containsExactly(newKid);
        assertCode(() -> service.verify(before.accessToken()), ErrorCode.INVALID_SESSION, "unknown key");
    }

    @Test
    void signingKeysRotateByThemselvesWhenOld() throws Exception {
        AuthService service = engine.service();
        Session s = service.logIn(PasswordlessIdp.as("ann"));
        String firstKid = SignedJWT.parse(s.accessToken()).getHeader().getKeyID();
        engine.clock().advance(Duration.ofDays(59));
        assertThat(SignedJWT.parse(service.refresh(s.refreshToken()).accessToken()).getHeader().getKeyID()).isEqualTo(firstKid);
        Session later = service.logIn(PasswordlessIdp.as("ann"));
        engine.clock().advance(Duration.ofDays(32));
        String dueKid = SignedJWT.parse(service.refresh(later.refreshToken()).accessToken()).getHeader().getKeyID();
        assertThat(dueKid).as("the successor is published, and signs a minute later").isEqualTo(firstKid);
        assertThat(kids(service.jwks())).hasSize(2);
        engine.clock().advance(Duration.ofMinutes(1));
        String rotatedKid = SignedJWT.parse(service.refresh(later.refreshToken()).accessToken()).getHeader().getKeyID();
        assertThat(rotatedKid).isNotEqualTo(firstKid);
    }

    private static List<String> kids(String jwks) {
        List<String> kids = new ArrayList<>();
        JsonParser.parseString(jwks).getAsJsonObject().getAsJsonArray("keys")
                .forEach(k -> kids.add(k.getAsJsonObject().get("kid").getAsString()));
        return kids;
    }
}
