package dev.latchkey.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.api.AuthApp;
import dev.latchkey.api.AuthChange;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.User;
import dev.latchkey.api.UserState;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The client layer: users of an app, the current user, log-out, remove, delete, switch, link, and their events. */
class AuthAppTest {
    @RegisterExtension
    final EngineHarness engine = EngineHarness.builder()
            .enable("anon-user").enable("api-key").enable(PasswordlessIdp.TYPE)
            .provider(new PasswordlessIdp())
            .build();

    private AuthApp app;
    private final RecordingListener events = new RecordingListener();

    @BeforeEach
    void listen() {
        app = engine.app();
        app.addAuthChangeListener(events);
    }

    @Test
    void theLastUserToLogInIsCurrentAndAllUsersAreMostRecentFirst() {
        assertThat(app.currentUser()).isEmpty();
        User ann = app.logIn(PasswordlessIdp.as("ann"));
        User bob = app.logIn(PasswordlessIdp.as("bob"));
        assertThat(app.currentUser()).containsSame(bob);
        assertThat(app.allUsers().keySet()).containsExactly(bob.id(), ann.id());
        assertThat(app.logIn(PasswordlessIdp.as("ann"))).isSameAs(ann);
        assertThat(app.currentUser()).containsSame(ann);
        assertThat(app.allUsers().keySet()).containsExactly(ann.id(), bob.id());
        assertThat(ann.state()).isEqualTo(UserState.LOGGED_IN);
        assertThat(ann.providerType()).isEqualTo(PasswordlessIdp.TYPE);
        assertThat(ann.profile().name()).isEqualTo("ann");
        assertThat(ann.identities()).extracting(Identity::subject).containsExactly("ann");
        assertThat(ann.deviceId()).isEqualTo(bob.deviceId()).as("one app is one device");
        events.await(AuthChange.Type.LOGGED_IN, AuthChange.Cause.LOG_IN);
        events.await(c -> c.type() == AuthChange.Type.CURRENT_USER_CHANGED && c.user() == bob, "bob became current");
    }

    @Test
    void loggingInAgainEndsTheUsersPreviousSession() {
        User ann = app.logIn(PasswordlessIdp.as("ann"));
        String firstRefreshToken = ann.refreshToken();
        app.logIn(PasswordlessIdp.as("ann"));
        assertThat(ann.refreshToken()).isNotEqualTo(firstRefreshToken);
        assertCode(() -> engine.service().refresh(firstRefreshToken), ErrorCode.INVALID_SESSION);
    }

    @Test
    void anAnonymousLogInReusesTheLoggedInAnonymousUserUnlessToldNotTo() {
        User first = app.logIn(Credentials.anonymous());
        String token = first.accessToken();
        assertThat(app.logIn(Credentials.anonymous())).isSameAs(first);
        assertThat(first.accessToken()).as("no new session for a reused user").isEqualTo(token);
        User fresh = app.logIn(Credentials.anonymous(false));
        assertThat(fresh).isNotSameAs(first);
        assertThat(fresh.id()).isNotEqualTo(first.id());
        assertThat(app.allUsers()).hasSize(2);
    }

    @Test
    void loggingOutKeepsTheUserButEndsItsSession() {
        User ann = app.logIn(PasswordlessIdp.as("ann"));
        User bob = app.logIn(PasswordlessIdp.as("bob"));
        String bobsRefreshToken = bob.refreshToken();
        bob.logOut();
        assertThat(bob.state()).isEqualTo(UserState.LOGGED_OUT);
        assertThat(bob.accessToken()).isNull();
        assertThat(bob.refreshToken()).isNull();
        assertThat(app.allUsers()).containsKey(bob.id());
        assertThat(app.currentUser()).as("the next logged-in user becomes current").containsSame(ann);
        assertCode(() -> engine.service().refresh(bobsRefreshToken), ErrorCode.INVALID_SESSION);
        events.await(c -> c.type() == AuthChange.Type.LOGGED_OUT && c.cause() == AuthChange.Cause.LOG_OUT && c.user() == bob,
                "bob logged out");
        events.await(c -> c.type() == AuthChange.Type.CURRENT_USER_CHANGED && c.cause() == AuthChange.Cause.LOG_OUT
                && c.user() == ann, "ann current again");
        bob.logOut();
        assertThat(bob.state()).isEqualTo(UserState.LOGGED_OUT);
        assertCode(bob::validAccessToken, ErrorCode.INVALID_SESSION);
    }

    @Test
    void anAnonymousUserIsRemovedAndDeletedOnLogOut() {
        User anon = app.logIn(Credentials.anonymous());
        String id = anon.id();
        anon.logOut();
        assertThat(anon.state()).isEqualTo(UserState.REMOVED);
        assertThat(app.allUsers()).doesNotContainKey(id);
        assertThat(app.currentUser()).isEmpty();
        assertThat(engine.service().findUser(id)).isEmpty();
        events.await(AuthChange.Type.REMOVED, AuthChange.Cause.LOG_OUT);
    }

    @Test
    void switchingNeedsALoggedInUserOfThisApp() {
        User ann = app.logIn(PasswordlessIdp.as("ann"));
        User bob = app.logIn(PasswordlessIdp.as("bob"));
        app.switchUser(ann);
        assertThat(app.currentUser()).containsSame(ann);
        events.await(c -> c.cause() == AuthChange.Cause.SWITCH && c.user() == ann, "switch to ann");
        bob.logOut();
        assertCode(() -> app.switchUser(bob), ErrorCode.OPERATION_NOT_ALLOWED, "logged-in");
        User elsewhere = engine.newClient().logIn(PasswordlessIdp.as("carl"));
        assertCode(() -> app.switchUser(elsewhere), ErrorCode.OPERATION_NOT_ALLOWED, "does not belong");
        assertCode(() -> app.switchUser(null), ErrorCode.INVALID_PARAMETER);
        assertCode(() -> app.removeUser(null), ErrorCode.INVALID_PARAMETER);
        assertCode(() -> app.deleteUser(null), ErrorCode.INVALID_PARAMETER);
    }

    @Test
    void removingAUserForgetsItHereAndEndsItsSession() {
        User ann = app.logIn(PasswordlessIdp.as("ann"));
        String refreshToken = ann.refreshToken();
        app.removeUser(ann);
        assertThat(ann.state()).isEqualTo(UserState.REMOVED);
        assertThat(app.allUsers()).isEmpty();
        assertThat(app.currentUser()).isEmpty();
        assertThat(engine.service().findUser(ann.id())).as("still exists on the server").isPresent();
        assertCode(() -> engine.service().refresh(refreshToken), ErrorCode.INVALID_SESSION);
        events.await(AuthChange.Type.REMOVED, AuthChange.Cause.REMOVE);
        app.removeUser(ann);
        User again = app.logIn(PasswordlessIdp.as("ann"));
        assertThat(again).isNotSameAs(ann);
        assertThat(again.id()).isEqualTo(ann.id());
    }

    @Test
    void deletingAUserRemovesItEverywhere() {
        User ann = app.logIn(PasswordlessIdp.as("ann"));
        var key = ann.apiKeys().create("k");
        app.deleteUser(ann);
        assertThat(ann.state()).isEqualTo(UserState.REMOVED);
        assertThat(engine.service().findUser(ann.id())).isEmpty();
        events.await(AuthChange.Type.REMOVED, AuthChange.Cause.DELETE);
        User reborn = app.logIn(PasswordlessIdp.as("ann"));
        assertThat(reborn.id()).as("a deleted user's identity logs in as a new user").isNotEqualTo(ann.id());
        assertCode(() -> app.logIn(Credentials.apiKey(key.value())), ErrorCode.INVALID_CREDENTIALS);

        reborn.logOut();
        assertCode(() -> app.deleteUser(reborn), ErrorCode.INVALID_SESSION);
        assertThat(engine.service().findUser(reborn.id())).isPresent();
    }

    @Test
    void linkingAddsAnIdentityAndTellsListeners() {
        User anon = app.logIn(Credentials.anonymous());
        assertThat(anon.isAnonymous()).isTrue();
        assertThat(anon.linkCredentials(PasswordlessIdp.as("ann"))).isSameAs(anon);
        assertThat(anon.isAnonymous()).isFalse();
        assertThat(anon.identities()).extracting(Identity::providerType).containsExactly("anon-user", PasswordlessIdp.TYPE);
        events.await(AuthChange.Type.LINKED, AuthChange.Cause.LINK);
        assertThat(app.logIn(PasswordlessIdp.as("ann"))).isSameAs(anon);
        anon.logOut();
        assertThat(anon.state()).as("no longer anonymous, so only logged out").isEqualTo(UserState.LOGGED_OUT);

        User bob = app.logIn(PasswordlessIdp.as("bob"));
        assertCode(() -> bob.linkCredentials(PasswordlessIdp.as("ann")), ErrorCode.IDENTITY_IN_USE);
        assertCode(() -> bob.linkCredentials(Credentials.anonymous()), ErrorCode.OPERATION_NOT_ALLOWED, "anonymous");
        assertThat(bob.identities()).hasSize(1);
    }

    @Test
    void userApiKeysNeedALiveSession() {
        User ann = app.logIn(PasswordlessIdp.as("ann"));
        var key = ann.apiKeys().create("laptop");
        assertThat(ann.apiKeys().fetchAll()).extracting(k -> k.name()).containsExactly("laptop");
        User viaKey = engine.newClient().logIn(Credentials.apiKey(key.value()));
        assertThat(viaKey.id()).isEqualTo(ann.id());
        assertThat(viaKey.providerType()).isEqualTo("api-key");

        engine.service().logOut(ann.refreshToken());
        assertCode(() -> ann.apiKeys().fetchAll(), ErrorCode.INVALID_SESSION);
        ann.logOut();
        assertCode(() -> ann.apiKeys().create("x"), ErrorCode.INVALID_SESSION);
        User anon = app.logIn(Credentials.anonymous());
        assertCode(() -> anon.apiKeys().create("x"), ErrorCode.OPERATION_NOT_ALLOWED, "anonymous");
    }

    @Test
    void listenersSeeChangesInOrderAndMayCallBackIntoTheApp() {
        List<String> seen = new CopyOnWriteArrayList<>();
        app.addAuthChangeListener(change -> seen.add(change.type() + ":" + app.currentUser().map(User::id).orElse("none")));
        // Listeners hear a change in the order they registered, so once this one has it, so has the one above.
        RecordingListener after = new RecordingListener();
        app.addAuthChangeListener(after);
        User ann = app.logIn(PasswordlessIdp.as("ann"));
        ann.logOut();
        after.await(AuthChange.Type.LOGGED_OUT, AuthChange.Cause.LOG_OUT);
        assertThat(events.changes()).extracting(AuthChange::type)
                .containsExactly(AuthChange.Type.LOGGED_IN, AuthChange.Type.CURRENT_USER_CHANGED, AuthChange.Type.LOGGED_OUT);
        assertThat(seen).hasSize(3).allSatisfy(s -> assertThat(s).doesNotContain("Exception"));
    }

    @Test
    void aThrowingListenerDoesNotStopTheOthersAndCancelledOnesHearNothing() {
        app.addAuthChangeListener(change -> {
            throw new IllegalStateException("listener bug");
        });
        app.addAuthChangeListener(change -> {
            throw new AssertionError("a test's listener failing");
        });
        RecordingListener cancelled = new RecordingListener();
        app.addAuthChangeListener(cancelled).cancel();
        RecordingListener perUser = new RecordingListener();
        RecordingListener last = new RecordingListener();
        app.addAuthChangeListener(last);
        User ann = app.logIn(PasswordlessIdp.as("ann"));
        var subscription = ann.addChangeListener(perUser);
        ann.logOut();
        perUser.await(AuthChange.Type.LOGGED_OUT, AuthChange.Cause.LOG_OUT);
        last.await(AuthChange.Type.LOGGED_OUT, AuthChange.Cause.LOG_OUT);
        assertThat(cancelled.changes()).isEmpty();
        assertThat(perUser.changes()).allSatisfy(c -> assertThat(c.user()).isSameAs(ann));

        int heardBeforeCancel = perUser.changes().size();
        subscription.close();
        app.logIn(PasswordlessIdp.as("ann"));
        last.await(c -> last.changes().stream().filter(x -> x.type() == AuthChange.Type.LOGGED_IN).count() == 2, "ann back");
        // Per-user changes are delivered right after the app's, in the same step, so a new one would be there by now.
        assertThat(perUser.changes()).hasSize(heardBeforeCancel);
    }

    @Test
    void removingAnAnonymousUserDeletesItOnTheServer() {
        User anon = app.logIn(Credentials.anonymous());
        app.removeUser(anon);
        assertThat(engine.service().findUser(anon.id())).isEmpty();
    }

    @Test
    void racingFirstLogInsOnANewAppShareOneDevice() throws Exception {
        AuthApp fresh = engine.newClient();
        List<User> users = dev.latchkey.testkit.Race.run(16, i -> fresh.logIn(PasswordlessIdp.as("user" + i)));
        assertThat(users).extracting(User::deviceId).containsOnly(users.get(0).deviceId());
    }

    @Test
    void asyncTwinsGiveTheSameResults() {
        User ann = app.logInAsync(PasswordlessIdp.as("ann")).join();
        assertThat(app.currentUser()).containsSame(ann);
        assertThat(ann.validAccessTokenAsync().join()).isEqualTo(ann.accessToken());
        assertThat(ann.refreshCustomDataAsync().join()).isEmpty();
        assertThat(ann.linkCredentialsAsync(Credentials.anonymous())).failsWithin(Duration.ofSeconds(5))
                .withThrowableThat().havingCause().isInstanceOf(AuthException.class);
        ann.logOutAsync().join();
        assertThat(ann.state()).isEqualTo(UserState.LOGGED_OUT);
        User bob = app.logIn(PasswordlessIdp.as("bob"));
        app.removeUserAsync(bob).join();
        assertThat(bob.state()).isEqualTo(UserState.REMOVED);
        User carl = app.logIn(PasswordlessIdp.as("carl"));
        app.deleteUserAsync(carl).join();
        assertThat(engine.service().findUser(carl.id())).isEmpty();
        assertThat(app.logInAsync(Credentials.of(PasswordlessIdp.TYPE, Map.of("user", "x", "code", "bad"))))
                .failsWithin(Duration.ofSeconds(5)).withThrowableThat().havingCause()
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS));
    }

    @Test
    void badArgumentsGetClearErrors() {
        assertCode(() -> app.logIn(null), ErrorCode.INVALID_PARAMETER);
        assertCode(() -> app.addAuthChangeListener(null), ErrorCode.INVALID_PARAMETER);
        User ann = app.logIn(PasswordlessIdp.as("ann"));
        assertCode(() -> ann.addChangeListener(null), ErrorCode.INVALID_PARAMETER);
        assertCode(() -> app.logIn(Credentials.of("oauth2-github", Map.of())), ErrorCode.PROVIDER_NOT_FOUND);
        assertThat(app.allUsers()).hasSize(1);
        assertThat(ann.toString()).doesNotContain(ann.accessToken()).doesNotContain(ann.refreshToken());
    }

    @Test
    void twoDevicesOfOneUserHaveTheirOwnSessions() {
        AuthApp phone = engine.newClient();
        User onLaptop = app.logIn(PasswordlessIdp.as("ann"));
        User onPhone = phone.logIn(PasswordlessIdp.as("ann"));
        assertThat(onPhone.id()).isEqualTo(onLaptop.id());
        assertThat(onPhone.deviceId()).isNotEqualTo(onLaptop.deviceId());
        onPhone.logOut();
        assertThat(engine.service().verify(onLaptop.validAccessToken()).userId()).isEqualTo(onLaptop.id());
        assertThat(phone.currentUser()).isEmpty();
        assertThat(app.currentUser()).map(User::id).contains(onLaptop.id());
        Optional<User> none = phone.currentUser();
        assertThat(none).isEmpty();
        List<String> ids = new ArrayList<>(app.allUsers().keySet());
        assertThat(ids).containsExactly(onLaptop.id());
    }

    static void assertCode(ThrowingCallable call, ErrorCode code, String... parts) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AuthException.class, e -> {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            for (String p : parts) {
                assertThat(e.getMessage()).contains(p);
            }
        });
    }
}
