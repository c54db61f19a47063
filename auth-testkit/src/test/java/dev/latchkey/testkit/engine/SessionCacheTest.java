package dev.latchkey.testkit.engine;

import static dev.latchkey.testkit.engine.AuthAppTest.assertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonParser;
import dev.latchkey.api.AuthApp;
import dev.latchkey.api.AuthChange;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.User;
import dev.latchkey.api.UserState;
import dev.latchkey.core.Latchkey;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.Race;
import dev.latchkey.testkit.RecordingListener;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session cache through the app (DESIGN §4, issue 3): an app over a data directory is, after
 * a restart, the same device with the same users, the same current user and the same tokens, at
 * once and without the server ("offline login", as in the Realm SDKs).
 */
class SessionCacheTest {
    @RegisterExtension
    final EngineHarness engine = EngineHarness.builder()
            .enable("anon-user").enable("api-key").enable(PasswordlessIdp.TYPE)
            .provider(new PasswordlessIdp())
            .build();

    /** One installed device's data directory. */
    @TempDir
    Path device;

    private Path cacheFile() {
        return device.resolve(engine.service().appId()).resolve("session-cache.json");
    }

    /** The app as it comes back after a restart; closing the old one waits for its last write. */
    private AuthApp restart(AuthApp app) {
        app.close();
        return engine.newClient(device);
    }

    /** The same device with the server out of reach. */
    private AuthApp restartOffline(AuthApp app, List<String> attempted) {
        app.close();
        return Latchkey.client(UnreachableService.of(engine.service().appId(), attempted), engine.clock(), device);
    }

    @Test
    void aRestartedAppHasItsUsersMostRecentFirstAndItsCurrentUser() {
        AuthApp app = engine.newClient(device);
        User ann = app.logIn(PasswordlessIdp.as("ann"));
        User bob = app.logIn(PasswordlessIdp.as("bob"));
        User anon = app.logIn(Credentials.anonymous());
        engine.service().setCustomData(ann.id(), Map.of("plan", "pro", "seats", 3, "beta", true));
        ann.refreshCustomData();
        app.switchUser(bob);
        List<String> order = List.copyOf(app.allUsers().keySet());
        assertThat(order).containsExactly(bob.id(), anon.id(), ann.id());

        AuthApp restarted = restart(app);

        assertThat(restarted.allUsers().keySet()).containsExactlyElementsOf(order);
        assertThat(restarted.currentUser()).hasValueSatisfying(u -> assertThat(u.id()).isEqualTo(bob.id()));
        for (User before : List.of(ann, bob, anon)) {
            User after = restarted.allUsers().get(before.id());
            assertThat(after.state()).isEqualTo(UserState.LOGGED_IN);
            assertThat(after.providerType()).isEqualTo(before.providerType());
            assertThat(after.type()).isEqualTo(before.type());
            assertThat(after.isAnonymous()).isEqualTo(before.isAnonymous());
            assertThat(after.identities()).isEqualTo(before.identities());
            assertThat(after.profile()).isEqualTo(before.profile());
            assertThat(after.customData()).isEqualTo(before.customData());
            assertThat(after.deviceId()).isEqualTo(before.deviceId());
            assertThat(after.accessToken()).isEqualTo(before.accessToken());
            assertThat(after.refreshToken()).isEqualTo(before.refreshToken());
        }
        assertThat(restarted.allUsers().get(ann.id()).customData()).containsEntry("plan", "pro").containsEntry("beta", true);
        assertThat(restarted.allUsers().get(anon.id()).providerType()).isEqualTo(ProviderTypes.ANONYMOUS);
    }

    @Test
    void aLoggedOutUserIsRestoredLoggedOut() {
        AuthApp app = engine.newClient(device);
        User ann = app.logIn(PasswordlessIdp.as("ann"));
        User bob = app.logIn(PasswordlessIdp.as("bob"));
        bob.logOut();

        AuthApp restarted = restart(app);

        User restoredBob = restarted.allUsers().get(bob.id());
        assertThat(restoredBob.state()).isEqualTo(UserState.LOGGED_OUT);
        assertThat(restoredBob.accessToken()).isNull();
        assertThat(restoredBob.refreshToken()).isNull();
        assertThat(restoredBob.profile().name()).isEqualTo("bob");
        assertThat(restarted.currentUser()).hasValueSatisfying(u -> assertThat(u.id()).isEqualTo(ann.id()));
        assertThat(restarted.logIn(PasswordlessIdp.as("bob"))).as("logging in again revives the restored user").isSameAs(restoredBob);
    }

    @Test
    void theCurrentUserAnswersAtOnceWithoutTheServer() {
        AuthApp app = engine.newClient(device);
        User ann = app.logIn(PasswordlessIdp.as("ann"));
        List<String> attempted = new CopyOnWriteArrayList<>();

        AuthApp offline = restartOffline(app, attempted);
        try {
            User restored = offline.currentUser().orElseThrow();
            assertThat(restored.id()).isEqualTo(ann.id());
            assertThat(restored.isLoggedIn()).isTrue();
            assertThat(restored.accessToken()).isEqualTo(ann.accessToken());
            assertThat(restored.validAccessToken()).as("still fresh: no refresh needed").isEqualTo(ann.accessToken());
            assertThat(attempted).as("nothing asked of the server").isEmpty();
        } finally {
            offline.close();
        }
    }

    @Test
    void aStaleTokenOfflineFailsWithNetworkAndTheUserStaysLoggedIn() {
        AuthApp app = engine.newClient(device);
        User ann = app.logIn(PasswordlessIdp.as("ann"));
        String refreshToken = ann.refreshToken();
        engine.clock().advance(Duration.ofMinutes(31));
        List<String> attempted = new CopyOnWriteArrayList<>();

        AuthApp offline = restartOffline(app, attempted);
        User restored = offline.currentUser().orElseThrow();
        assertThat(restored.accessToken()).as("the cached token, stale as it is").isEqualTo(ann.accessToken());
        assertCode(restored::validAccessToken, ErrorCode.NETWORK);
        assertThat(attempted).containsExactly("refresh");
        assertThat(restored.state()).as("a network failure is not a session that ended").isEqualTo(UserState.LOGGED_IN);
        assertThat(offline.currentUser()).containsSame(restored);

        AuthApp online = restart(offline);
        User back = online.currentUser().orElseThrow();
        assertThat(back.isLoggedIn()).as("still cached as logged in").isTrue();
        assertThat(back.refreshToken()).isEqualTo(refreshToken);
        assertThat(engine.service().verify(back.validAccessToken()).userId()).isEqualTo(ann.id());
    }

    @Test
    void theRestoredRefreshTokenWorksAgainstTheEngine() {
        AuthApp app = engine.newClient(device);
        User ann = app.logIn(PasswordlessIdp.as("ann"));
        String stale = ann.accessToken();
        engine.clock().advance(Duration.ofMinutes(31));

        AuthApp restarted = restart(app);
        User restored = restarted.currentUser().orElseThrow();
        RecordingListener events = new RecordingListener();
        restored.addChangeListener(events);
        String fresh = restored.validAccessToken();

        assertThat(fresh).isNotEqualTo(stale);
        assertThat(engine.service().verify(fresh).userId()).isEqualTo(ann.id());
        events.await(AuthChange.Type.TOKEN_REFRESHED, AuthChange.Cause.REFRESH);
    }

    // SECURITY.md 25, 26 across a restart
    @Test
    void aSessionEndedWhileTheAppWasDownLogsTheRestoredUserOut() {
        AuthApp app = engine.newClient(device);
        User ann = app.logIn(PasswordlessIdp.as("ann"));
        String refreshToken = ann.refreshToken();
        app.close();
        engine.service().logOut(refreshToken);

        AuthApp restarted = engine.newClient(device);
        RecordingListener events = new RecordingListener();
        restarted.addAuthChangeListener(events);
        User restored = restarted.currentUser().orElseThrow();
        assertCode(restored::refreshCustomData, ErrorCode.INVALID_SESSION);
        assertThat(restored.state()).isEqualTo(UserState.LOGGED_OUT);
        assertThat(restarted.currentUser()).isEmpty();
        events.await(AuthChange.Type.LOGGED_OUT, AuthChange.Cause.SESSION_ENDED);

        AuthApp again = restart(restarted);
        assertThat(again.allUsers().get(ann.id()).state()).isEqualTo(UserState.LOGGED_OUT);
        assertThat(again.currentUser()).isEmpty();
    }

    @Test
    void removedAndDeletedUsersLeaveTheCache() throws Exception {
        AuthApp app = engine.newClient(device);
        User ann = app.logIn(PasswordlessIdp.as("ann"));
        User bob = app.logIn(PasswordlessIdp.as("bob"));
        User anon = app.logIn(Credentials.anonymous());
        List<String> refreshTokens = List.of(ann.refreshToken(), bob.refreshToken(), anon.refreshToken());
        app.removeUser(ann);
        app.deleteUser(bob);
        anon.logOut();

        AuthApp restarted = restart(app);

        assertThat(restarted.allUsers()).isEmpty();
        assertThat(restarted.currentUser()).isEmpty();
        String file = Files.readString(cacheFile());
        assertThat(refreshTokens).allSatisfy(token -> assertThat(file).doesNotContain(token));
        assertThat(file).doesNotContain(ann.id(), bob.id(), anon.id());
    }

    @Test
    void aRefreshWritesTheNewAccessToken() throws Exception {
        AuthApp app = engine.newClient(device);
        User ann = app.logIn(PasswordlessIdp.as("ann"));
        String old = ann.accessToken();
        engine.clock().advance(Duration.ofMinutes(31));
        String fresh = ann.validAccessToken();
        app.close();

        assertThat(Files.readString(cacheFile())).contains(fresh).doesNotContain(old);
        AuthApp restarted = engine.newClient(device);
        assertThat(restarted.currentUser().orElseThrow().accessToken()).isEqualTo(fresh);
        assertThat(restarted.currentUser().orElseThrow().validAccessToken()).as("fresh, so not refreshed again").isEqualTo(fresh);
    }

    /**
     * Only a damaged or untrusted cache is replaced. One that could not be read for another
     * reason (here the starting thread was interrupted; a lock held too long elsewhere, a disk
     * error or a refused permission count the same) is left as it is for the next run: the app
     * starts with no session and writes nothing, rather than wipe every user's refresh token and
     * the device id with it.
     */
    @Test
    void aStartUpThatCannotReadTheCacheLeavesItForTheNextRun() throws Exception {
        AuthApp app = engine.newClient(device);
        User ann = app.logIn(PasswordlessIdp.as("ann"));
        app.close();
        byte[] before = Files.readAllBytes(cacheFile());

        AuthApp interrupted;
        Thread.currentThread().interrupt();
        try {
            interrupted = engine.newClient(device);
        } finally {
            Thread.interrupted();
        }
        assertThat(interrupted.currentUser()).isEmpty();
        interrupted.logIn(PasswordlessIdp.as("bob"));
        interrupted.close();
        assertThat(Files.readAllBytes(cacheFile())).as("nothing written over it").isEqualTo(before);

        AuthApp next = engine.newClient(device);
        assertThat(next.currentUser()).hasValueSatisfying(u -> {
            assertThat(u.id()).isEqualTo(ann.id());
            assertThat(u.refreshToken()).isEqualTo(ann.refreshToken());
            assertThat(u.deviceId()).isEqualTo(ann.deviceId());
        });
    }

    @Test
    void theDeviceIdSurvivesRestartsEvenBeforeTheFirstLogIn() throws Exception {
        engine.newClient(device).close();
        String written = JsonParser.parseString(Files.readString(cacheFile())).getAsJsonObject().get("deviceId").getAsString();

        AuthApp app = engine.newClient(device);
        User ann = app.logIn(PasswordlessIdp.as("ann"));
        assertThat(ann.deviceId()).isEqualTo(written);
        assertThat(engine.service().verify(ann.accessToken()).deviceId()).isEqualTo(written);

        AuthApp restarted = restart(app);
        assertThat(restarted.logIn(PasswordlessIdp.as("bob")).deviceId()).isEqualTo(written);
        assertThat(engine.newClient().logIn(PasswordlessIdp.as("cat")).deviceId()).as("another device").isNotEqualTo(written);
    }

    @Test
    void linkedIdentitiesAreCached() {
        AuthApp app = engine.newClient(device);
        User user = app.logIn(Credentials.anonymous());
        user.linkCredentials(PasswordlessIdp.as("ann"));

        AuthApp restarted = restart(app);

        User restored = restarted.currentUser().orElseThrow();
        assertThat(restored.identities()).isEqualTo(user.identities()).hasSize(2);
        assertThat(restored.isAnonymous()).isFalse();
    }

    @Test
    void theCacheFileIsOwnerOnly() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions are not available");
        AuthApp app = engine.newClient(device);
        app.logIn(PasswordlessIdp.as("ann"));
        app.close();
        assertThat(Files.getPosixFilePermissions(cacheFile())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(cacheFile().getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void twoAppsOfOneProcessShareADataDirectory() throws Exception {
        AuthApp first = engine.newClient(device);
        AuthApp second = engine.newClient(device);
        List<AuthApp> apps = List.of(first, second);
        Race.run(16, i -> {
            AuthApp app = apps.get(i % 2);
            User user = app.logIn(PasswordlessIdp.as("user-" + i));
            if (i % 3 == 0) {
                user.logOut();
            }
            return null;
        });
        Set<String> firstUsers = first.allUsers().keySet();
        Set<String> secondUsers = second.allUsers().keySet();
        first.close();
        second.close();

        AuthApp restarted = engine.newClient(device);
        assertThat(restarted.allUsers().keySet()).as("the whole state of whichever app wrote last").isIn(firstUsers, secondUsers);
    }

    @Test
    void anAppWithoutADataDirectoryKeepsItsUsersInMemoryOnly() {
        AuthApp app = Latchkey.client(engine.service(), engine.clock());
        app.logIn(PasswordlessIdp.as("ann"));
        app.close();
        try (AuthApp again = Latchkey.client(engine.service(), engine.clock())) {
            assertThat(again.allUsers()).isEmpty();
        }
        assertThat(Path.of("latchkey-data")).as("nothing written into the working directory").doesNotExist();
    }
}
