package dev.latchkey.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.api.ApiKey;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Session;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.builtin.ApiKeyProvider;
import dev.latchkey.core.store.Store;
import dev.latchkey.testkit.Race;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Log-ins, refreshes, log-outs, deletions and key creations racing through real engines on a
 * real store. A subclass supplies the stores: one engine on its store, or two engines (two app
 * instances) sharing one database, where each race is spread across both.
 */
abstract class EngineRaces {
    static final String CONFIG = """
            { "providers": { "test-passwordless": { "enabled": true }, "api-key": { "enabled": true } } }
            """;

    private final List<AuthService> engines = new ArrayList<>();

    /**
     * The stores of the engines under test: one entry per engine. Entries may open the same
     * database (engines sharing it) or each its own.
     */
    abstract List<Supplier<Store>> stores();

    @BeforeEach
    void startEngines() {
        for (Supplier<Store> store : stores()) {
            engines.add(Latchkey.service("race-app").store(store.get()).provider(new PasswordlessIdp()).config(CONFIG).build());
        }
    }

    @AfterEach
    void stopEngines() {
        engines.forEach(AuthService::close);
    }

    /** The engine racer {@code i} uses: racers alternate between the engines. */
    AuthService engine(int i) {
        return engines.get(i % engines.size());
    }

    @Test
    void twoHundredFirstLogInsOfOneIdentityMakeExactlyOneUser() throws Exception {
        List<Session> sessions = Race.run(200, i -> engine(i).logIn(PasswordlessIdp.as("first-timer")));
        assertThat(sessions).extracting(s -> s.user().id()).containsOnly(sessions.get(0).user().id());
        for (int i = 0; i < engines.size(); i++) {
            assertThat(engine(i).findUserByIdentity(PasswordlessIdp.TYPE, "first-timer")).map(u -> u.id())
                    .contains(sessions.get(0).user().id());
        }
        // Every racer got a live session of that one user, valid on every engine.
        for (int i = 0; i < sessions.size(); i += 37) {
            assertThat(engine(i + 1).verify(sessions.get(i).accessToken()).userId()).isEqualTo(sessions.get(0).user().id());
        }
    }

    @Test
    void noSessionOutlivesALogOutOrDeletionThatRacedIt() throws Exception {
        for (int round = 0; round < 15; round++) {
            Credentials victim = PasswordlessIdp.as("victim-" + round);
            Session first = engine(0).logIn(victim);
            Session second = engine(1).logIn(victim);
            String userId = first.user().id();

            List<Object> outcomes = Race.run(8, i -> outcome(() -> switch (i) {
                case 0, 1 -> engine(i).refresh(first.refreshToken());
                case 2 -> engine(i).refresh(second.refreshToken());
                case 3 -> {
                    engine(i).logOut(first.refreshToken());
                    yield "logged out";
                }
                case 4 -> {
                    engine(i).deleteUser(userId);
                    yield "deleted";
                }
                case 5 -> engine(i).verify(second.accessToken());
                default -> engine(i).logIn(victim);   // opens a session, unless the user is gone first
            }));

            assertThat(outcomes.get(4)).as("round %d: the deletion itself succeeds", round).isEqualTo("deleted");
            List<String> accessTokens = new ArrayList<>(List.of(first.accessToken(), second.accessToken()));
            List<String> refreshTokens = new ArrayList<>(List.of(first.refreshToken(), second.refreshToken()));
            for (Object o : outcomes) {
                // A log-in that came after the deletion made a new user: only the deleted user's sessions must be dead.
                if (o instanceof Session s && s.user().id().equals(userId)) {
                    accessTokens.add(s.accessToken());
                    refreshTokens.add(s.refreshToken());
                }
            }
            for (int e = 0; e < engines.size(); e++) {
                AuthService engine = engine(e);
                for (String refreshToken : refreshTokens) {
                    assertInvalidSession(() -> engine.refresh(refreshToken), "round %d: refresh after the race", round);
                }
                for (String accessToken : accessTokens) {
                    assertInvalidSession(() -> engine.verify(accessToken), "round %d: an access token after the race", round);
                }
                assertThat(engine.findUser(userId)).isEmpty();
            }
        }
    }

    @Test
    void noRefreshThatRacedARevocationLeavesALiveSession() throws Exception {
        for (int round = 0; round < 15; round++) {
            Credentials person = PasswordlessIdp.as("revoked-" + round);
            List<Session> before = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                before.add(engine(i).logIn(person));
            }
            String userId = before.get(0).user().id();

            List<Object> outcomes = Race.run(8, i -> outcome(() -> switch (i) {
                case 0, 1, 2, 3 -> engine(i).refresh(before.get(i).refreshToken());
                case 4 -> engine(i).revokeSessions(userId);
                case 5 -> engine(i).refresh(before.get(0).refreshToken());
                case 6 -> engine(i).verify(before.get(1).accessToken());
                default -> engine(i).logIn(person);   // a log-in is no refresh: it may open a session after the revocation
            }));

            List<String> accessTokens = new ArrayList<>();
            List<String> refreshTokens = new ArrayList<>();
            for (Session s : before) {
                accessTokens.add(s.accessToken());
                refreshTokens.add(s.refreshToken());
            }
            for (Object o : outcomes.subList(0, 6)) {
                if (o instanceof Session s) {
                    accessTokens.add(s.accessToken());   // a refresh's new access token, of an old session
                } else if (o instanceof AuthException x) {
                    assertThat(x.code()).as("round %d: a refresh after the revocation", round).isEqualTo(ErrorCode.INVALID_SESSION);
                }
            }
            assertThat(outcomes.get(4)).as("round %d: the revocation itself", round).isInstanceOf(Integer.class);
            Session racingLogIn = (Session) outcomes.get(7);
            boolean logInSurvived = engine(0).findUser(userId).isPresent() && isLive(racingLogIn);
            assertThat(outcomes.get(4)).as("round %d: it ended the four sessions, and the racing log-in's if opened before it", round)
                    .isEqualTo(logInSurvived ? 4 : 5);
            for (int e = 0; e < engines.size(); e++) {
                AuthService engine = engine(e);
                for (String refreshToken : refreshTokens) {
                    assertInvalidSession(() -> engine.refresh(refreshToken), "round %d: an old session's refresh", round);
                }
                for (String accessToken : accessTokens) {
                    assertInvalidSession(() -> engine.verify(accessToken), "round %d: an old session's access token", round);
                }
                assertThat(engine.findUser(userId)).as("round %d: the user stays", round).isPresent();
            }
        }
    }

    /** Whether a session still refreshes and its access token verifies, on every engine. */
    private boolean isLive(Session session) {
        for (int e = 0; e < engines.size(); e++) {
            try {
                engine(e).verify(session.accessToken());
                engine(e).refresh(session.refreshToken());
            } catch (AuthException x) {
                return false;
            }
        }
        return true;
    }

    @Test
    void noLogInThatRacedADisablingKeepsItsSession() throws Exception {
        for (int round = 0; round < 15; round++) {
            Credentials person = PasswordlessIdp.as("disabled-" + round);
            String userId = engine(0).logIn(person).user().id();
            List<Object> outcomes = Race.run(5, i -> outcome(() -> {
                if (i == 4) {
                    engine(i).disableUser(userId);
                    return "disabled";
                }
                return engine(i).logIn(person);
            }));
            for (Object o : outcomes) {
                if (o instanceof Session s) {
                    for (int e = 0; e < engines.size(); e++) {
                        AuthService engine = engine(e);
                        assertInvalidSession(() -> engine.verify(s.accessToken()), "round %d", round);
                        assertThatThrownBy(() -> engine.refresh(s.refreshToken())).as("round %d", round)
                                .isInstanceOf(AuthException.class);
                    }
                } else if (o instanceof AuthException x) {
                    assertThat(x.code()).as("round %d: a log-in after the disabling", round).isEqualTo(ErrorCode.USER_DISABLED);
                }
            }
        }
    }

    @Test
    void noLogInWithAnApiKeyOutlivesTheKeysDeletion() throws Exception {
        for (int round = 0; round < 10; round++) {
            String ownerId = engine(0).logIn(PasswordlessIdp.as("key-owner-" + round)).user().id();
            ApiKey key = engine(1).apiKeys(ownerId).create("racing-key");
            List<Object> outcomes = Race.run(6, i -> outcome(() -> {
                if (i == 5) {
                    engine(i).apiKeys(ownerId).delete(key.id());
                    return "deleted";
                }
                return engine(i).logIn(Credentials.apiKey(key.value()));
            }));
            assertThat(outcomes.get(5)).as("round %d", round).isEqualTo("deleted");
            for (Object o : outcomes) {
                if (o instanceof Session s) {
                    for (int e = 0; e < engines.size(); e++) {
                        AuthService engine = engine(e);
                        assertInvalidSession(() -> engine.verify(s.accessToken()), "round %d: a key log-in's token", round);
                        assertInvalidSession(() -> engine.refresh(s.refreshToken()), "round %d: a key log-in's session", round);
                    }
                } else if (o instanceof AuthException x) {
                    assertThat(x.code()).as("round %d: a key log-in after the deletion", round)
                            .isIn(ErrorCode.INVALID_CREDENTIALS, ErrorCode.API_KEY_NOT_FOUND);
                }
            }
            assertThatThrownBy(() -> engine(0).logIn(Credentials.apiKey(key.value()))).isInstanceOf(AuthException.class);
            assertThat(engine(0).findUserByIdentity("api-key", key.id())).isEmpty();
        }
    }

    @Test
    void racingKeyCreationsNeverExceedThePerUserLimit() throws Exception {
        String userId = engine(0).logIn(PasswordlessIdp.as("key-hoarder")).user().id();
        int attempts = ApiKeyProvider.MAX_KEYS_PER_USER * 2;
        List<Object> outcomes = Race.run(attempts, i -> outcome(() -> engine(i).apiKeys(userId).create("key-" + i)));

        assertThat(outcomes).filteredOn(o -> o instanceof ApiKey).hasSize(ApiKeyProvider.MAX_KEYS_PER_USER);
        assertThat(outcomes).filteredOn(o -> !(o instanceof ApiKey)).allSatisfy(o -> assertThat(o)
                .isInstanceOfSatisfying(AuthException.class, x -> assertThat(x.code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED)));
        for (int e = 0; e < engines.size(); e++) {
            assertThat(engine(e).apiKeys(userId).fetchAll()).hasSize(ApiKeyProvider.MAX_KEYS_PER_USER);
        }
    }

    @Test
    void whatOneEngineDoesEveryEngineSeesAtOnce() {
        Session session = engine(0).logIn(PasswordlessIdp.as("seen-everywhere"));
        for (int e = 0; e < engines.size(); e++) {
            assertThat(engine(e).verify(session.accessToken()).userId()).isEqualTo(session.user().id());
            assertThat(engine(e).findUser(session.user().id())).isPresent();
        }
        engine(1).setCustomData(session.user().id(), Map.of("plan", "pro"));
        assertThat(engine(0).refresh(session.refreshToken()).user().customData()).containsEntry("plan", "pro");
        engine(engines.size() - 1).logOut(session.refreshToken());
        for (int e = 0; e < engines.size(); e++) {
            AuthService engine = engine(e);
            assertInvalidSession(() -> engine.verify(session.accessToken()), "after the log-out");
        }
    }

    /** The call fails with INVALID_SESSION: the session it names has ended. */
    private static void assertInvalidSession(ThrowingCallable call, String description, Object... args) {
        assertThatThrownBy(call).as(description, args)
                .isInstanceOfSatisfying(AuthException.class, x -> assertThat(x.code()).isEqualTo(ErrorCode.INVALID_SESSION));
    }

    /** What a racer's call returned, or the AuthException it threw: racers that lose are part of the result. */
    private static Object outcome(Supplier<Object> call) {
        try {
            return call.get();
        } catch (AuthException e) {
            return e;
        }
    }
}
