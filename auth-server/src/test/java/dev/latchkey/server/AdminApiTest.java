package dev.latchkey.server;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.latchkey.testkit.TestClock;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static dev.latchkey.server.TestServer.APP;
import static dev.latchkey.server.TestServer.AUTH;
import static dev.latchkey.server.TestServer.emailPassword;
import static org.assertj.core.api.Assertions.assertThat;

/** The admin API over real HTTP: every route, its failures, and the admin key's check and throttle. */
class AdminApiTest {
    static final String KEY = "adm1n-" + "k3y".repeat(12) + "-for-tests";
    static final String ADMIN = AdminApi.PREFIX;
    /** Each test that sends wrong keys does it from an address of its own (X-Forwarded-For via the trusted 127.0.0.1). */
    static final AtomicInteger NEXT_ADDRESS = new AtomicInteger(1);

    @TempDir
    static Path data;
    static TestServer server;
    static final TestClock clock = new TestClock();
    static final List<LogRecord> logs = new ArrayList<>();
    /** Held: JUL keeps loggers only weakly, and a collected logger loses its handler. */
    static final Logger LATCHKEY_LOGGER = Logger.getLogger("dev.latchkey");
    static final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logs) {
                logs.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void start() {
        LATCHKEY_LOGGER.addHandler(capture);
        LATCHKEY_LOGGER.setLevel(Level.ALL);
        server = TestServer.start(ServerOptions.defaults().withPort(0).withDataDirectory(data).withConfigJson("""
                { "providers": { "anon-user": { "enabled": true }, "api-key": { "enabled": true },
                                 "local-userpass": { "enabled": true, "autoConfirm": true } },
                  "server": { "adminKey": "%s", "trustedProxies": ["127.0.0.1"], "rateLimit": { "enabled": false } } }
                """.formatted(KEY)), clock);
    }

    @AfterAll
    static void stop() {
        server.close();
        LATCHKEY_LOGGER.removeHandler(capture);
    }

    private static String newAddress() {
        int n = NEXT_ADDRESS.getAndIncrement();
        return "198.51.100." + n;
    }

    /** An admin call with a bearer (or none) from a chosen client address. */
    private static TestServer.Reply admin(String method, String path, String json, String bearer, String from) throws Exception {
        Request.Builder b = new Request.Builder().url(server.server.url() + ADMIN + path);
        RequestBody body = json == null ? (method.equals("POST") || method.equals("PUT") ? RequestBody.create(new byte[0]) : null)
                : RequestBody.create(json, TestServer.JSON);
        b.method(method, body);
        if (bearer != null) {
            b.header("Authorization", bearer);
        }
        b.header("X-Forwarded-For", from);
        return server.send(b.build());
    }

    private static TestServer.Reply admin(String method, String path) throws Exception {
        return admin(method, path, null, "Bearer " + KEY, "192.0.2.1");
    }

    private static String anonymousUser() throws Exception {
        return server.logIn("anon-user", "{}").string("user_id");
    }

    private static TestServer.Reply registerAndLogIn(String email) throws Exception {
        JsonObject body = new JsonObject();
        body.addProperty("email", email);
        body.addProperty("password", "correct horse");
        assertThat(server.post(APP + "/auth/providers/local-userpass/register", body.toString()).status()).isEqualTo(201);
        return server.logIn("local-userpass", emailPassword(email, "correct horse"));
    }

    private static void assertError(TestServer.Reply r, int status, String code) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.headers().get("Content-Type")).startsWith("application/json");
        assertThat(r.errorCode()).isEqualTo(code);
        assertThat(r.text()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    // ---- the key

    @Test
    void aMissingOrWrongKeyIs401WithWwwAuthenticate_andTheSameAnswerEitherWay() throws Exception {
        String from = newAddress();
        List<String> wrong = new ArrayList<>();
        wrong.add(null);
        wrong.add("Bearer ");
        wrong.add("Bearer " + KEY.substring(0, KEY.length() - 1));
        wrong.add("Bearer " + KEY + "x");
        wrong.add("Bearer " + KEY.toUpperCase());
        wrong.add("Basic " + KEY);
        wrong.add(KEY);
        String message = null;
        for (String authorization : wrong) {
            TestServer.Reply r = admin("GET", "/users", null, authorization, from);
            assertThat(r.status()).as(String.valueOf(authorization).replace(KEY, "<key>")).isEqualTo(401);
            assertError(r, 401, "Unauthorized");
            assertThat(r.headers().get("WWW-Authenticate")).startsWith("Bearer");
            assertThat(r.text()).doesNotContain(KEY.substring(0, 10));
            message = message == null ? r.string("error") : message;
            assertThat(r.string("error")).as("no hint of what was wrong").isEqualTo(message);
        }
    }

    @Test
    void aKeyDifferingOnlyInCaseIsRefused_evenOnAConnectionThatJustCarriedTheRightOne() throws Exception {
        // OkHttp keeps the connection: Jetty's header cache, case-insensitive by default, once answered 200 here.
        String from = newAddress();
        for (int i = 0; i < 3; i++) {
            assertThat(admin("GET", "/users?limit=1", null, "Bearer " + KEY, from).status()).isEqualTo(200);
            assertError(admin("GET", "/users?limit=1", null, "Bearer " + KEY.toUpperCase(), from), 401, "Unauthorized");
        }
        assertThat(server.http.connectionPool().connectionCount()).isEqualTo(1);
    }

    @Test
    void theRightKeyIsAccepted_inAnyCaseOfTheScheme() throws Exception {
        assertThat(admin("GET", "/users", null, "Bearer " + KEY, newAddress()).status()).isEqualTo(200);
        assertThat(admin("GET", "/users", null, "bearer   " + KEY + " ", newAddress()).status()).isEqualTo(200);
    }

    @Test
    void withoutTheKeyEvenUnknownAdminPathsAre401_soTheRoutesAreNotRevealed() throws Exception {
        String from = newAddress();
        assertError(admin("GET", "/no/such/thing", null, null, from), 401, "Unauthorized");
        assertError(admin("DELETE", "/users/x/sessions", null, null, from), 401, "Unauthorized");
        assertError(admin("GET", "/no/such/thing", null, "Bearer " + KEY, from), 404, "NotFound");
        TestServer.Reply otherVersion = server.send(new Request.Builder().url(server.server.url() + "/api/admin/v2/users")
                .header("Authorization", "Bearer " + KEY).build());
        assertError(otherVersion, 404, "NotFound");
    }

    @Test
    void wrongKeysAreThrottledPerAddress_evenTheRightKeyThenWaits_otherAddressesDoNot_andTimeRefills() throws Exception {
        String attacker = newAddress();
        for (int i = 0; i < AdminApi.FAILURE_BURST; i++) {
            assertError(admin("GET", "/users", null, "Bearer guess-" + i, attacker), 401, "Unauthorized");
        }
        TestServer.Reply refused = admin("GET", "/users", null, "Bearer guess-x", attacker);
        assertError(refused, 429, "TooManyRequests");
        assertThat(Long.parseLong(refused.headers().get("Retry-After"))).isEqualTo(AdminApi.FAILURE_REFILL.getSeconds());
        // No answer about the key at all while refused, not even for the right one.
        assertError(admin("GET", "/users", null, "Bearer " + KEY, attacker), 429, "TooManyRequests");
        assertThat(admin("GET", "/users", null, "Bearer " + KEY, newAddress()).status()).isEqualTo(200);

        clock.advance(AdminApi.FAILURE_REFILL);
        assertThat(admin("GET", "/users", null, "Bearer " + KEY, attacker).status()).isEqualTo(200);
        assertError(admin("GET", "/users", null, "Bearer guess-y", attacker), 401, "Unauthorized");
        assertError(admin("GET", "/users", null, "Bearer guess-z", attacker), 429, "TooManyRequests");
    }

    @Test
    void rightKeysSpendNothing() throws Exception {
        String from = newAddress();
        for (int i = 0; i < 3 * AdminApi.FAILURE_BURST; i++) {
            assertThat(admin("GET", "/users?limit=1", null, "Bearer " + KEY, from).status()).isEqualTo(200);
        }
        assertError(admin("GET", "/users", null, "Bearer nope", from), 401, "Unauthorized");
    }

    @Test
    void theKeyNeverReachesALogLine() throws Exception {
        String from = newAddress();
        admin("GET", "/users", null, "Bearer " + KEY, from);
        admin("GET", "/users", null, "Bearer " + KEY + "-near-miss", from);
        String user = anonymousUser();
        admin("DELETE", "/users/" + user, null, "Bearer " + KEY, from);
        synchronized (logs) {
            assertThat(logs).isNotEmpty();
            for (LogRecord record : logs) {
                String text = String.valueOf(record.getMessage()) + " " + java.util.Arrays.toString(record.getParameters());
                assertThat(text).doesNotContain(KEY).doesNotContain("k3yk3y");
            }
            assertThat(logs).anySatisfy(r -> assertThat(r.getMessage()).contains("deleted user " + user));
        }
    }

    // ---- users

    @Test
    void listingPagesThroughEveryUserOnce_inIdOrder() throws Exception {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(anonymousUser());
        }
        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        while (true) {
            TestServer.Reply page = admin("GET", "/users?limit=2" + (after == null ? "" : "&after=" + after));
            assertThat(page.status()).isEqualTo(200);
            JsonArray users = page.object().getAsJsonArray("users");
            assertThat(users.size()).isBetween(1, 2);
            for (JsonElement u : users) {
                seen.add(u.getAsJsonObject().get("id").getAsString());
            }
            pages++;
            JsonElement next = page.object().get("next");
            assertThat(page.object().has("next")).isTrue();
            if (next.isJsonNull()) {
                break;
            }
            after = next.getAsString();
            assertThat(after).isEqualTo(seen.get(seen.size() - 1));
        }
        assertThat(seen).containsAll(created).doesNotHaveDuplicates().isSorted();
        assertThat(pages).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aListedUserHasIdTypeDisabledCreatedAndIdentities() throws Exception {
        String id = anonymousUser();
        TestServer.Reply r = admin("GET", "/users/" + id);
        assertThat(r.status()).isEqualTo(200);
        JsonObject user = r.object();
        assertThat(user.keySet()).containsExactlyInAnyOrder("id", "type", "disabled", "created", "identities");
        assertThat(user.get("id").getAsString()).isEqualTo(id);
        assertThat(user.get("type").getAsString()).isEqualTo("normal");
        assertThat(user.get("disabled").getAsBoolean()).isFalse();
        assertThat(java.time.Instant.parse(user.get("created").getAsString())).isNotNull();
        JsonObject identity = user.getAsJsonArray("identities").get(0).getAsJsonObject();
        assertThat(identity.get("provider_type").getAsString()).isEqualTo("anon-user");
        assertThat(identity.get("id").getAsString()).isNotBlank();
    }

    @Test
    void badLimitsAndCursorsAre400InvalidParameter() throws Exception {
        for (String query : new String[] {"limit=0", "limit=1001", "limit=-1", "limit=abc", "limit=99999999999", "limit=1.5",
                "after=%27%3B%20DROP%20TABLE%20users%3B--", "after=a%00b", "after=" + "a".repeat(300), "after=..%2F..",
                "after=%C3%A9"}) {
            TestServer.Reply r = admin("GET", "/users?" + query);
            assertError(r, 400, "InvalidParameter");
            assertThat(r.text()).doesNotContain("DROP").doesNotContain("aaaaaaaa");
        }
        assertThat(admin("GET", "/users?limit=1000").status()).isEqualTo(200);
        assertThat(admin("GET", "/users?after=zzzzzzzzzzzz").object().getAsJsonArray("users")).isEmpty();
    }

    @Test
    void unknownAndHostileUserIdsAre404_neverEchoed() throws Exception {
        for (String id : new String[] {"000000000000000000000000", "%27--", "a".repeat(300), "%00", "..", "%E2%80%AE", "x%20y"}) {
            for (String[] call : new String[][] {{"GET", ""}, {"DELETE", ""}, {"PUT", "/disable"}, {"PUT", "/enable"},
                    {"DELETE", "/sessions"}}) {
                TestServer.Reply r = admin(call[0], "/users/" + id + call[1]);
                assertThat(r.status()).as(call[0] + " " + id + call[1]).isIn(400, 404);
                assertThat(r.text()).doesNotContain("aaaaaaaa").doesNotContain("'--");
                if (r.status() == 404) {
                    assertThat(r.errorCode()).isIn("UserNotFound", "NotFound");
                }
            }
        }
    }

    @Test
    void disablingEndsTheSessionsAndRefusesLogIns_enablingLetsTheUserBackIn() throws Exception {
        String email = "user-" + UUID.randomUUID() + "@example.com";
        TestServer.Reply login = registerAndLogIn(email);
        String id = login.string("user_id");

        assertThat(admin("PUT", "/users/" + id + "/disable").status()).isEqualTo(204);
        assertThat(admin("GET", "/users/" + id).object().get("disabled").getAsBoolean()).isTrue();
        assertError(server.call("POST", AUTH + "/session", null, login.string("refresh_token")), 401, "InvalidSession");
        assertError(server.logIn("local-userpass", emailPassword(email, "correct horse")), 401, "UserDisabled");

        assertThat(admin("PUT", "/users/" + id + "/enable").status()).isEqualTo(204);
        assertThat(admin("GET", "/users/" + id).object().get("disabled").getAsBoolean()).isFalse();
        assertThat(server.logIn("local-userpass", emailPassword(email, "correct horse")).status()).isEqualTo(200);
    }

    @Test
    void revokingSessionsEndsEveryOne_answersHowMany_andTheUserMayLogInAgain() throws Exception {
        String email = "user-" + UUID.randomUUID() + "@example.com";
        TestServer.Reply first = registerAndLogIn(email);
        TestServer.Reply second = server.logIn("local-userpass", emailPassword(email, "correct horse"));
        String id = first.string("user_id");

        TestServer.Reply revoked = admin("DELETE", "/users/" + id + "/sessions");
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.object().get("revoked").getAsInt()).isEqualTo(2);

        assertError(server.call("POST", AUTH + "/session", null, first.string("refresh_token")), 401, "InvalidSession");
        assertError(server.call("POST", AUTH + "/session", null, second.string("refresh_token")), 401, "InvalidSession");
        assertError(server.get(AUTH + "/profile", second.string("access_token")), 401, "InvalidSession");
        assertThat(admin("GET", "/users/" + id).object().get("disabled").getAsBoolean()).isFalse();
        assertThat(admin("DELETE", "/users/" + id + "/sessions").object().get("revoked").getAsInt()).isZero();
        assertThat(server.logIn("local-userpass", emailPassword(email, "correct horse")).status()).isEqualTo(200);
    }

    @Test
    void deletingAUserRemovesIt_andASecondDeleteIs404() throws Exception {
        String email = "user-" + UUID.randomUUID() + "@example.com";
        TestServer.Reply login = registerAndLogIn(email);
        String id = login.string("user_id");

        assertThat(admin("DELETE", "/users/" + id).status()).isEqualTo(204);
        assertError(admin("GET", "/users/" + id), 404, "UserNotFound");
        assertError(admin("DELETE", "/users/" + id), 404, "UserNotFound");
        assertError(server.call("POST", AUTH + "/session", null, login.string("refresh_token")), 401, "InvalidSession");
        assertThat(server.logIn("local-userpass", emailPassword(email, "correct horse")).status()).isEqualTo(401);
    }

    @Test
    void theWrongMethodIs405WithAllow() throws Exception {
        String id = anonymousUser();
        TestServer.Reply r = admin("POST", "/users", "{}", "Bearer " + KEY, "192.0.2.1");
        assertError(r, 405, "MethodNotAllowed");
        assertThat(r.headers().get("Allow")).isEqualTo("GET");
        assertThat(admin("PUT", "/users/" + id, "{}", "Bearer " + KEY, "192.0.2.1").headers().get("Allow")).isEqualTo("GET, DELETE");
        assertError(admin("GET", "/users/" + id + "/disable"), 405, "MethodNotAllowed");
        assertError(admin("GET", "/users/" + id + "/sessions"), 405, "MethodNotAllowed");
        assertError(admin("GET", "/api_keys"), 405, "MethodNotAllowed");
        assertError(admin("GET", "/api_keys/abc"), 405, "MethodNotAllowed");
        assertError(admin("GET", "/users/" + id + "/nothing"), 404, "NotFound");
    }

    // ---- server API keys

    @Test
    void aServerApiKeyIsShownOnce_logsInAsAServerUser_andDeletingItRemovesBoth() throws Exception {
        TestServer.Reply created = admin("POST", "/api_keys", "{\"name\":\"backend-1\"}", "Bearer " + KEY, "192.0.2.1");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.object().keySet()).containsExactlyInAnyOrder("_id", "key", "name", "disabled", "user_id");
        assertThat(created.string("name")).isEqualTo("backend-1");
        assertThat(created.object().get("disabled").getAsBoolean()).isFalse();
        String keyId = created.string("_id");
        String userId = created.string("user_id");
        String key = created.string("key");

        TestServer.Reply login = server.logIn("api-key", "{\"key\":\"" + key + "\"}");
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.string("user_id")).isEqualTo(userId);
        TestServer.Reply user = admin("GET", "/users/" + userId);
        assertThat(user.string("type")).isEqualTo("server");
        assertThat(user.text()).doesNotContain(key);

        assertThat(admin("DELETE", "/api_keys/" + keyId).status()).isEqualTo(204);
        assertError(admin("GET", "/users/" + userId), 404, "UserNotFound");
        assertThat(server.logIn("api-key", "{\"key\":\"" + key + "\"}").status()).isEqualTo(401);
        assertError(server.call("POST", AUTH + "/session", null, login.string("refresh_token")), 401, "InvalidSession");
        assertError(admin("DELETE", "/api_keys/" + keyId), 404, "APIKeyNotFound");
    }

    @Test
    void deletingAUsersOwnApiKeyDeletesTheKeyOnly() throws Exception {
        TestServer.Reply login = registerAndLogIn("user-" + UUID.randomUUID() + "@example.com");
        TestServer.Reply key = server.call("POST", AUTH + "/api_keys", "{\"name\":\"mine\"}", login.string("refresh_token"));
        assertThat(key.status()).isEqualTo(201);

        assertThat(admin("DELETE", "/api_keys/" + key.string("_id")).status()).isEqualTo(204);
        assertThat(admin("GET", "/users/" + login.string("user_id")).status()).isEqualTo(200);
        assertThat(server.logIn("api-key", "{\"key\":\"" + key.string("key") + "\"}").status()).isEqualTo(401);
    }

    @Test
    void badApiKeyRequestsAre400Or404() throws Exception {
        assertError(admin("POST", "/api_keys", "{}", "Bearer " + KEY, "192.0.2.1"), 400, "BadRequest");
        assertError(admin("POST", "/api_keys", "{\"name\": 5}", "Bearer " + KEY, "192.0.2.1"), 400, "BadRequest");
        assertThat(admin("POST", "/api_keys", "{\"name\":\"bad name; DROP\"}", "Bearer " + KEY, "192.0.2.1").status()).isEqualTo(400);
        assertThat(admin("POST", "/api_keys", null, "Bearer " + KEY, "192.0.2.1").status()).isEqualTo(400);
        for (String id : new String[] {"nosuchkey", "%27--", "a".repeat(300), "..", "%00"}) {
            TestServer.Reply r = admin("DELETE", "/api_keys/" + id);
            assertThat(r.status()).as(id).isIn(400, 404);
            assertThat(r.text()).doesNotContain("aaaaaaaa");
        }
    }

    // ---- without a key

    @Test
    void withoutAnAdminKeyConfiguredTheAdminRoutesDoNotExist(@TempDir Path elsewhere) throws Exception {
        try (TestServer plain = TestServer.start(elsewhere)) {
            for (String[] call : new String[][] {{"GET", "/users"}, {"GET", "/users/abc"}, {"DELETE", "/users/abc/sessions"},
                    {"POST", "/api_keys"}}) {
                TestServer.Reply r = plain.call(call[0], ADMIN + call[1], call[0].equals("POST") ? "{\"name\":\"x\"}" : null, KEY);
                assertError(r, 404, "NotFound");
                assertThat(r.headers().get("WWW-Authenticate")).isNull();
            }
        }
    }
}
