package dev.latchkey.security;

import static dev.latchkey.security.Suite.refused;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.latchkey.api.ApiKey;
import dev.latchkey.api.AuthApp;
import dev.latchkey.api.AuthChange;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.GoogleCredentialType;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.Session;
import dev.latchkey.api.User;
import dev.latchkey.api.UserState;
import dev.latchkey.core.Latchkey;
import dev.latchkey.provider.custom.AuthFunction;
import dev.latchkey.provider.custom.FunctionIdentity;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.Race;
import dev.latchkey.testkit.RecordingListener;
import dev.latchkey.testkit.TestClock;
import dev.latchkey.testkit.fake.FakeFacebook;
import dev.latchkey.testkit.fake.FakeGoogle;
import dev.latchkey.testkit.log.LogCapture;
import dev.latchkey.testkit.log.SecretScan;
import dev.latchkey.testkit.log.SecretScan.Secret;
import dev.latchkey.testkit.mail.FakeMailbox;
import dev.latchkey.testkit.mail.ReceivedMail;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/**
 * SECURITY.md "Sessions and storage", cases 25-30: the engine's sessions, over HTTP through the
 * server too; the client's session cache through {@link Latchkey#app(String)}; what is stored, on
 * a real H2 store; and, for case 30, every message, {@code toString()} and log line of a run that
 * touches every kind of secret.
 */
class SessionCasesTest {
    private static final String APP = "suite-app";
    private static final AuthFunction BY_ID = payload -> FunctionIdentity.of(String.valueOf(payload.get("id")));

    private final TestClock clock = new TestClock();
    private final List<AutoCloseable> closing = new ArrayList<>();

    @TempDir
    Path data;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closing.add(0, c);
        return c;
    }

    private EngineHarness harness(EngineHarness.Builder builder) {
        return closeLater(builder.appId(APP).clock(clock).enable(ProviderTypes.CUSTOM_FUNCTION)
                .service(AuthFunction.class, BY_ID).build()).start();
    }

    private static Credentials as(String id) {
        return Credentials.function(Map.of("id", id));
    }

    // ---- 25 ----------------------------------------------------------------------------------

    /**
     * SECURITY.md #25: "Logging out, deleting or disabling a user → its refresh tokens are rejected from then on."
     * ASVS 5.0 V7 (session termination).
     * For each, the refresh token and the access token already issued are refused; a disabled user
     * cannot log in again. Over HTTP: after {@code DELETE /auth/session} the refresh is 401 InvalidSession.
     */
    @Test
    void case25_logOutDeleteAndDisableEndTheSessions() throws Exception {
        AuthService engine = harness(EngineHarness.builder()).service();
        Session out = engine.logIn(as("ann"));
        Session other = engine.logIn(as("ann"));
        engine.logOut(out.refreshToken());
        refused(ErrorCode.INVALID_SESSION, () -> engine.refresh(out.refreshToken()));
        refused(ErrorCode.INVALID_SESSION, () -> engine.verify(out.accessToken()));
        assertThat(engine.refresh(other.refreshToken()).sessionId()).as("another device's session lives").isEqualTo(other.sessionId());

        Session deleted = engine.logIn(as("bob"));
        engine.deleteUser(deleted.user().id());
        refused(ErrorCode.INVALID_SESSION, () -> engine.refresh(deleted.refreshToken()));
        refused(ErrorCode.INVALID_SESSION, () -> engine.verify(deleted.accessToken()));

        Session disabled = engine.logIn(as("carol"));
        engine.disableUser(disabled.user().id());
        refused(ErrorCode.INVALID_SESSION, () -> engine.refresh(disabled.refreshToken()));
        refused(ErrorCode.INVALID_SESSION, () -> engine.verify(disabled.accessToken()));
        refused(ErrorCode.USER_DISABLED, () -> engine.logIn(as("carol")));
        engine.enableUser(disabled.user().id());
        refused(ErrorCode.INVALID_SESSION, () -> engine.refresh(disabled.refreshToken()));

        try (Suite.Server server = new Suite.Server(data.resolve("server"), """
                { "providers": { "anon-user": { "enabled": true } } }""")) {
            Suite.Reply logIn = server.logIn(ProviderTypes.ANONYMOUS, new JsonObject());
            assertThat(logIn.status()).isIn(200, 201);
            String refreshToken = logIn.json().get("refresh_token").getAsString();
            assertThat(server.call("POST", Suite.SESSION, null, refreshToken).status()).isEqualTo(201);
            assertThat(server.call("DELETE", Suite.SESSION, null, refreshToken).status()).isEqualTo(204);
            Suite.Reply after = server.call("POST", Suite.SESSION, null, refreshToken);
            assertThat(after.status()).isEqualTo(401);
            assertThat(after.errorCode()).isEqualTo("InvalidSession");
        }
    }

    // ---- 26 ----------------------------------------------------------------------------------

    /**
     * SECURITY.md #26: "An expired refresh token → INVALID_SESSION; the user is logged out, an event is sent."
     * ASVS 5.0 V7 (absolute session lifetime).
     * A client app's user past the 60-day refresh-token lifetime: asking for a valid access token
     * fails with INVALID_SESSION, the user is LOGGED_OUT with cause SESSION_ENDED, and the engine
     * refuses the token too.
     */
    @Test
    void case26_anExpiredRefreshTokenEndsTheSessionAndTellsListeners() {
        EngineHarness engine = harness(EngineHarness.builder());
        AuthApp app = engine.app();
        RecordingListener events = new RecordingListener();
        app.addAuthChangeListener(events);
        User ann = app.logIn(as("ann"));
        String refreshToken = ann.refreshToken();
        clock.advance(Duration.ofDays(60).minusMinutes(1));
        assertThat(engine.service().refresh(refreshToken).sessionId()).as("alive until it expires").isNotBlank();
        clock.advance(Duration.ofMinutes(1).plusSeconds(1));

        refused(ErrorCode.INVALID_SESSION, ann::validAccessToken);
        assertThat(ann.state()).isEqualTo(UserState.LOGGED_OUT);
        assertThat(app.currentUser()).isEmpty();
        assertThat(events.await(AuthChange.Type.LOGGED_OUT, AuthChange.Cause.SESSION_ENDED).user()).isSameAs(ann);
        refused(ErrorCode.INVALID_SESSION, () -> engine.service().refresh(refreshToken));
    }

    // ---- 27 ----------------------------------------------------------------------------------

    /**
     * SECURITY.md #27: "With rotation on: reusing an old refresh token revokes the whole family; two
     * concurrent refreshes with one token → at most one new token (a short grace window is allowed)."
     * ASVS 5.0 V7 (refresh-token handling). NOT APPLICABLE AS WRITTEN: refresh-token rotation is not
     * implemented. This test proves exactly that: {@code tokens.refreshTokenRotation: true} is
     * refused at start (CONFIGURATION, naming the setting), so no operator can believe rotation is on;
     * and without rotation a refresh never issues a new refresh token, so 16 racing refreshes with
     * one token yield no new token at all (the "at most one" of the case, trivially), all for the
     * same session.
     */
    @Test
    void case27_refreshTokenRotationIsNotImplementedAndRefusedAtStart() throws Exception {
        AuthException refusedConfig = Suite.refused(ErrorCode.CONFIGURATION, () -> closeLater(EngineHarness.builder()
                .appId(APP).clock(clock).enable(ProviderTypes.ANONYMOUS).tokens(Map.of("refreshTokenRotation", true))
                .build()).start());
        assertThat(refusedConfig.getMessage()).contains("tokens.refreshTokenRotation", "not available");
        Suite.refused(ErrorCode.CONFIGURATION, () -> closeLater(Latchkey.app(APP).dataDirectory(data.resolve("rotation"))
                .config("{ \"providers\": { \"anon-user\": { \"enabled\": true } }, \"tokens\": { \"refreshTokenRotation\": true } }")
                .build()));

        AuthService engine = harness(EngineHarness.builder().tokens(Map.of("refreshTokenRotation", false))).service();
        Session ann = engine.logIn(as("ann"));
        List<Session> refreshed = Race.run(16, i -> engine.refresh(ann.refreshToken()));
        assertThat(refreshed).extracting(Session::refreshToken).containsOnly(ann.refreshToken());
        assertThat(refreshed).extracting(Session::sessionId).containsOnly(ann.sessionId());
        assertThat(engine.refresh(ann.refreshToken()).refreshToken()).isEqualTo(ann.refreshToken());
    }

    // ---- 28 ----------------------------------------------------------------------------------

    /**
     * SECURITY.md #28: "The session cache file is owner-only (0600 in a 0700 directory), replaced
     * atomically; a corrupt or foreign-owned file is treated as "no session", never crashes the app."
     * ASVS 5.0 V7 (client-side session storage) and V11 (protection of stored secrets).
     * Through {@link Latchkey#app(String)} with a data directory: the file and its directory are
     * owner-only; each write replaces the file (a new inode, no temporary file left behind); a
     * corrupt, world-readable or (as root) foreign-owned cache opens as no session, the app works.
     */
    @Test
    @ResourceLock(LogCapture.RESOURCE_LOCK)
    @ResourceLock(Resources.SYSTEM_OUT)
    @ResourceLock(Resources.SYSTEM_ERR)
    void case28_theSessionCacheIsPrivateAtomicAndDistrustedWhenTampered() throws Exception {
        Path device = data.resolve("device");
        Path file = device.resolve(APP).resolve("session-cache.json");
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

        String annId;
        try (AuthApp app = deviceApp(device)) {
            annId = app.logIn(Credentials.anonymous()).id();
        }
        assertThat(file).isRegularFile();
        if (posix) {
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.getPosixFilePermissions(file.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        }
        Object firstInode = posix ? Files.getAttribute(file, "unix:ino") : null;
        try (AuthApp app = deviceApp(device)) {
            assertThat(app.currentUser()).as("the cache brings the user back").hasValueSatisfying(u -> assertThat(u.id()).isEqualTo(annId));
            app.logIn(Credentials.anonymous(false));
        }
        if (posix) {
            assertThat(Files.getAttribute(file, "unix:ino")).as("replaced by a rename, not rewritten in place").isNotEqualTo(firstInode);
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("session-cache")))
                    .as("no temporary file left").containsOnly("session-cache.json", "session-cache.lock");
        }

        byte[] good = Files.readAllBytes(file);
        byte[] corrupt = Arrays.copyOf(good, good.length);
        Arrays.fill(corrupt, corrupt.length / 3, corrupt.length / 3 + 32, (byte) 0xff);
        assertNoSession(device, () -> Files.write(file, corrupt), good);
        assertNoSession(device, () -> Files.write(file, Arrays.copyOf(good, good.length / 2)), good);
        if (posix) {
            assertNoSession(device, () -> Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--")), good);
            if ("root".equals(System.getProperty("user.name"))) {
                assertNoSession(device, () -> Files.setOwner(file,
                        FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("nobody")), good);
            }
        }
    }

    private AuthApp deviceApp(Path device) {
        return Latchkey.app(APP).dataDirectory(device).clock(clock)
                .config("{ \"providers\": { \"anon-user\": { \"enabled\": true } } }").build();
    }

    private interface Tampering {
        void apply() throws Exception;
    }

    private void assertNoSession(Path device, Tampering tampering, byte[] good) throws Exception {
        Path file = device.resolve(APP).resolve("session-cache.json");
        Files.write(file, good);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        tampering.apply();
        try (LogCapture ignored = LogCapture.start(); AuthApp app = deviceApp(device)) {
            assertThat(app.currentUser()).as("a tampered cache is no session").isEmpty();
            assertThat(app.allUsers()).isEmpty();
            assertThat(app.logIn(Credentials.anonymous(false)).isLoggedIn()).as("the app works").isTrue();
        }
        Files.deleteIfExists(file);
    }

    // ---- 29 ----------------------------------------------------------------------------------

    /**
     * SECURITY.md #29: "Refresh tokens, API keys and confirmation tokens carry at least 128 random
     * bits from {@code SecureRandom} and are stored hashed."
     * ASVS 5.0 V7 / V11 (session token entropy, secrets stored hashed).
     * Size (at least 128 bits of encoded randomness), uniqueness, and balance of the bits (a zeroed or
     * constant generator fails it; SecureRandom as the source is the code's, not observable here),
     * and none of the values anywhere in the database.
     */
    @Test
    void case29_tokensAndKeysAreLongRandomAndStoredHashed() {
        Suite.H2 h2 = new Suite.H2(data);
        try (FakeMailbox mailbox = FakeMailbox.start()) {
            Map<String, Object> smtp = Map.of("host", mailbox.host(), "port", mailbox.port(), "security", "none",
                    "from", "no-reply@app.example.com");
            AuthService engine = harness(EngineHarness.builder().store(h2.store(APP)).enable(ProviderTypes.API_KEY)
                    .throttle(Map.of("enabled", false))
                    .enable(ProviderTypes.EMAIL_PASSWORD, Map.of("emailConfirmationUrl", "https://app.example.com/confirm",
                            "resetPasswordUrl", "https://app.example.com/reset", "smtp", smtp,
                            "passwordHashing", Map.of("memoryKib", 1024, "iterations", 1)))).service();

            List<byte[]> refreshTokens = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 100; i++) {
                String token = engine.logIn(as("user-" + i)).refreshToken();
                assertThat(seen.add(token)).isTrue();
                refreshTokens.add(Base64.getUrlDecoder().decode(token));
                if (i % 25 == 0) {
                    h2.assertNotStored("refresh token " + i, token);
                }
            }
            assertThat(refreshTokens).allSatisfy(bytes -> assertThat(bytes.length * 8).isGreaterThanOrEqualTo(128));
            assertBalanced(refreshTokens);

            List<byte[]> keySecrets = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ApiKey key = engine.createServerApiKey("key-" + i);
                String secret = key.value().substring(key.id().length());
                assertThat(secret).matches("[A-Za-z0-9]+");
                assertThat(secret.length() * Math.log(62) / Math.log(2)).as("bits in an API key's secret").isGreaterThanOrEqualTo(128);
                assertThat(seen.add(key.value())).isTrue();
                keySecrets.add(secret.getBytes(StandardCharsets.US_ASCII));
                h2.assertNotStored("API key " + i, secret);
            }

            engine.emailPassword().registerUser("ann@example.com", "a long enough secret");
            ReceivedMail.Link link = mailbox.awaitMessageTo("ann@example.com", Duration.ofSeconds(10)).link("https://app.example.com/confirm");
            String confirmation = link.queryParameter("token");
            assertThat(Base64.getUrlDecoder().decode(confirmation).length * 8).isGreaterThanOrEqualTo(128);
            h2.assertNotStored("the confirmation token", confirmation);
        }
        h2.close();
    }

    /** The share of one bits over all the tokens is near one half: 100 x 256 bits give a standard deviation of 0.3 %. */
    private static void assertBalanced(List<byte[]> tokens) {
        long ones = 0;
        long bits = 0;
        for (byte[] t : tokens) {
            for (byte b : t) {
                ones += Integer.bitCount(b & 0xff);
                bits += 8;
            }
        }
        assertThat((double) ones / bits).as("share of one bits").isBetween(0.47, 0.53);
    }

    // ---- 30 ----------------------------------------------------------------------------------

    /**
     * SECURITY.md #30: "No password, token, key, auth code or client secret appears in
     * {@code toString()}, an exception message, JSON that we log, or any log line — the suite
     * captures logs to check."
     * ASVS 5.0 V16 (security logging without sensitive data) and V7.
     * One run that handles every kind of secret (a password, refresh and access tokens, an API key,
     * a Google auth code, ID token and client secret, a Facebook token and app secret, forged and
     * malformed tokens) through the engine, a client app and the server over HTTP, with JUL,
     * stdout and stderr captured at every level: no secret in any message, {@code toString()} or log line.
     */
    @Test
    @ResourceLock(LogCapture.RESOURCE_LOCK)
    @ResourceLock(Resources.SYSTEM_OUT)
    @ResourceLock(Resources.SYSTEM_ERR)
    void case30_noSecretInToStringMessagesOrLogs() throws Exception {
        String password = "correct horse battery staple";
        String googleSecret = "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";
        List<Secret> secrets = new ArrayList<>(List.of(new Secret("password", password), new Secret("Google client secret", googleSecret)));
        List<String> seen = new ArrayList<>();
        LogCapture capture = LogCapture.startIgnoring(List.of("mockwebserver3", "okhttp3.mockwebserver"));
        try (FakeGoogle google = new FakeGoogle(clock).client("web-client", googleSecret, "postmessage");
                FakeFacebook facebook = new FakeFacebook(clock)) {
            secrets.add(new Secret("Facebook app secret", facebook.appSecret()));
            FakeGoogle.Account alice = google.addAccount("1101", "alice@example.com", true, "Alice");
            FakeFacebook.TestUser bob = facebook.addUser("10001", "Bob", "bob@example.com");
            Map<String, Object> googleSettings = new LinkedHashMap<>(Map.of("clientId", "web-client", "clientSecret", googleSecret,
                    "tokenEndpoint", google.tokenEndpoint(), "jwksUri", google.jwksUri(), "userinfoEndpoint", google.userinfoEndpoint(),
                    "timeout", "PT2S"));
            EngineHarness harness = harness(EngineHarness.builder().enable(ProviderTypes.API_KEY)
                    .enable(ProviderTypes.GOOGLE, googleSettings)
                    .enable(ProviderTypes.FACEBOOK, Map.of("appId", facebook.appId(), "appSecret", facebook.appSecret(),
                            "graphApiBase", facebook.graphApiBase(), "timeout", "PT2S"))
                    .enable(ProviderTypes.EMAIL_PASSWORD, Map.of("autoConfirm", true, "resetPasswordUrl", "https://app.example.com/reset",
                            "passwordHashing", Map.of("memoryKib", 1024, "iterations", 1), "smtp", Map.of("host", "127.0.0.1",
                                    "port", FakeMailbox.unusedPort(), "security", "none", "from", "no-reply@app.example.com"))));
            AuthService engine = harness.service();

            engine.emailPassword().registerUser("ann@example.com", password);
            Session ann = engine.logIn(Credentials.emailPassword("ann@example.com", password));
            remember(secrets, "ann", ann.accessToken(), ann.refreshToken());
            seen.add(ann.toString());
            seen.add(ann.user().toString());
            seen.add(Credentials.emailPassword("ann@example.com", password).toString());
            seen.add(message(() -> engine.logIn(Credentials.emailPassword("ann@example.com", password + "!"))));
            seen.add(message(() -> engine.emailPassword().registerUser("eve@example.com", password.substring(0, 5))));

            ApiKey key = engine.createServerApiKey("suite-key");
            secrets.add(new Secret("API key", key.value()));
            secrets.add(new Secret("API key secret part", key.value().substring(key.id().length())));
            seen.add(key.toString());
            seen.add(Credentials.apiKey(key.value()).toString());
            seen.add(engine.logIn(Credentials.apiKey(key.value())).toString());
            seen.add(message(() -> engine.logIn(Credentials.apiKey(key.id() + "Z".repeat(key.value().length() - key.id().length())))));

            String code = google.issueAuthCode(alice);
            String idToken = google.issueIdToken(alice, "web-client");
            secrets.add(new Secret("Google auth code", code));
            secrets.add(new Secret("Google ID token", idToken));
            seen.add(engine.logIn(Credentials.google(code, GoogleCredentialType.AUTH_CODE)).toString());
            seen.add(message(() -> engine.logIn(Credentials.google(code, GoogleCredentialType.AUTH_CODE))));
            seen.add(message(() -> engine.logIn(Credentials.google(idToken + "x", GoogleCredentialType.ID_TOKEN))));
            seen.add(Credentials.google(code, GoogleCredentialType.AUTH_CODE).toString());

            String fbToken = facebook.issueToken(bob);
            String otherAppToken = facebook.issueTokenForOtherApp(bob);
            secrets.add(new Secret("Facebook token", fbToken));
            secrets.add(new Secret("Facebook token of another app", otherAppToken));
            seen.add(engine.logIn(Credentials.facebook(fbToken)).toString());
            seen.add(message(() -> engine.logIn(Credentials.facebook(otherAppToken))));

            String[] p = Suite.parts(ann.accessToken());
            for (String bad : List.of(p[0] + "." + p[1], ann.accessToken() + "x", p[0] + "." + p[1] + ".", ann.refreshToken() + "x")) {
                seen.add(message(() -> engine.verify(bad)));
                seen.add(message(() -> engine.refresh(bad)));
            }
            engine.logOut(ann.refreshToken());
            seen.add(message(() -> engine.refresh(ann.refreshToken())));
            seen.add(message(() -> engine.verify(ann.accessToken())));

            AuthApp app = harness.newClient();
            User user = app.logIn(Credentials.emailPassword("ann@example.com", password));
            remember(secrets, "ann's app", user.accessToken(), user.refreshToken());
            seen.add(user.toString());
            seen.add(app.toString());
            user.logOut();

            try (Suite.Server server = new Suite.Server(data.resolve("server"), """
                    { "providers": { "local-userpass": { "enabled": true, "autoConfirm": true,
                      "passwordHashing": { "memoryKib": 1024, "iterations": 1 } } } }""")) {
                server.register("ann@example.com", password);
                Suite.Reply logIn = server.logIn("local-userpass", Suite.emailPassword("ann@example.com", password));
                assertThat(logIn.status()).as(logIn.body()).isEqualTo(200);
                String refreshToken = logIn.json().get("refresh_token").getAsString();
                String accessToken = logIn.json().get("access_token").getAsString();
                remember(secrets, "server", accessToken, refreshToken);
                seen.add(server.logIn("local-userpass", Suite.emailPassword("ann@example.com", password + "!")).body());
                seen.add(server.call("GET", "/api/client/v2.0/auth/profile", null, accessToken + "x").body());
                seen.add(server.call("GET", "/api/client/v2.0/auth/profile", null, accessToken).body());
                seen.add(server.call("DELETE", Suite.SESSION, null, refreshToken).body());
                seen.add(server.call("POST", Suite.SESSION, null, refreshToken).body());
                seen.add(server.server.toString());
            }
        } finally {
            capture.close();
        }

        List<SecretScan.Finding> findings = new ArrayList<>(SecretScan.find(capture.entries(), secrets));
        for (int i = 0; i < seen.size(); i++) {
            findings.addAll(SecretScan.find("message, toString or answer #" + i, seen.get(i), secrets));
        }
        assertThat(capture.entries()).as("the run logged something to scan").isNotEmpty();
        assertThat(findings).isEmpty();
    }

    private static void remember(List<Secret> secrets, String who, String accessToken, String refreshToken) {
        secrets.add(new Secret(who + " access token", accessToken));
        secrets.add(new Secret(who + " access token signature", accessToken.substring(accessToken.lastIndexOf('.') + 1)));
        secrets.add(new Secret(who + " refresh token", refreshToken));
    }

    private static String message(Runnable call) {
        try {
            call.run();
        } catch (AuthException e) {
            return e.getMessage() + " | " + e;
        }
        throw new AssertionError("expected a refusal");
    }
}
