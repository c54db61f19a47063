package dev.latchkey.server;

import com.google.gson.JsonObject;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.testkit.TestClock;
import dev.latchkey.testkit.mail.FakeMailbox;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import static dev.latchkey.server.TestServer.APP;
import static dev.latchkey.server.TestServer.emailPassword;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The server's per-client limits over real HTTP, on a clock the test moves; clients are told apart
 * by X-Forwarded-For from 127.0.0.1, configured as a trusted proxy. Also the engine's per-account
 * log-in throttle as it is seen over HTTP.
 */
class RateLimitTest {
    @TempDir
    Path data;
    final TestClock clock = new TestClock();

    private TestServer start(String serverSection) {
        return start(serverSection, "\"anon-user\": { \"enabled\": true }, \"local-userpass\": { \"enabled\": true, \"autoConfirm\": true }");
    }

    private TestServer start(String serverSection, String providers) {
        return TestServer.start(ServerOptions.defaults().withPort(0).withDataDirectory(data).withConfigJson(
                "{ \"providers\": { " + providers + " }, \"server\": " + serverSection + " }"), clock);
    }

    private static TestServer.Reply from(TestServer server, String client, String method, String path, String json) throws Exception {
        Request.Builder b = new Request.Builder().url(server.server.url() + path).header("X-Forwarded-For", client);
        b.method(method, json == null ? null : RequestBody.create(json, TestServer.JSON));
        return server.send(b.build());
    }

    private static TestServer.Reply health(TestServer server, String client) throws Exception {
        return from(server, client, "GET", "/health", null);
    }

    private static void assertTooMany(TestServer.Reply r, long retryAfter) {
        assertThat(r.status()).as(r.text()).isEqualTo(429);
        assertThat(r.errorCode()).isEqualTo("TooManyRequests");
        assertThat(r.headers().get("Retry-After")).isEqualTo(Long.toString(retryAfter));
    }

    @Test
    void aBurstPasses_thenEveryRequestIs429WithRetryAfter_untilTimeRefillsTheBucket() throws Exception {
        try (TestServer server = start("{ \"trustedProxies\": [\"127.0.0.1\"], \"rateLimit\": { \"requestsPerMinute\": 60, \"burst\": 5 } }")) {
            for (int i = 0; i < 5; i++) {
                assertThat(health(server, "203.0.113.7").status()).isEqualTo(200);
            }
            assertTooMany(health(server, "203.0.113.7"), 1);
            // Every path counts, unknown ones and the API too; a refusal spends nothing more.
            assertTooMany(from(server, "203.0.113.7", "POST", APP + "/auth/providers/anon-user/login", "{}"), 1);
            assertTooMany(from(server, "203.0.113.7", "GET", "/nothing", null), 1);

            clock.advance(Duration.ofMillis(999));
            assertTooMany(health(server, "203.0.113.7"), 1);
            clock.advance(Duration.ofMillis(1));
            assertThat(health(server, "203.0.113.7").status()).isEqualTo(200);
            assertTooMany(health(server, "203.0.113.7"), 1);

            clock.advance(Duration.ofMinutes(10));
            for (int i = 0; i < 5; i++) {
                assertThat(health(server, "203.0.113.7").status()).as("a refilled bucket holds a burst, no more").isEqualTo(200);
            }
            assertTooMany(health(server, "203.0.113.7"), 1);
        }
    }

    @Test
    void clientsAreIndependent_andAnIpv6ClientIsItsSlash64() throws Exception {
        try (TestServer server = start("{ \"trustedProxies\": [\"127.0.0.1\"], \"rateLimit\": { \"requestsPerMinute\": 1, \"burst\": 2 } }")) {
            for (String client : new String[] {"203.0.113.1", "2001:db8:1:2::1"}) {
                assertThat(health(server, client).status()).isEqualTo(200);
                assertThat(health(server, client).status()).isEqualTo(200);
                assertTooMany(health(server, client), 60);
            }
            assertThat(health(server, "203.0.113.2").status()).isEqualTo(200);
            assertTooMany(health(server, "2001:db8:1:2:ffff:ffff:ffff:ffff"), 60);
            assertTooMany(health(server, "[2001:DB8:1:2:0:0:0:9]"), 60);
            assertThat(health(server, "2001:db8:1:3::1").status()).isEqualTo(200);
        }
    }

    @Test
    void withoutATrustedProxyForwardedForIsIgnored_soAClientCannotPickNewAddresses() throws Exception {
        try (TestServer server = start("{ \"rateLimit\": { \"burst\": 3 } }")) {
            for (int i = 0; i < 3; i++) {
                assertThat(health(server, "203.0.113." + i).status()).isEqualTo(200);
            }
            assertTooMany(health(server, "203.0.113.99"), 1);
        }
    }

    @Test
    void disabledLimitsLetEveryRequestThrough() throws Exception {
        try (TestServer server = start("{ \"rateLimit\": { \"enabled\": false, \"burst\": 1, \"mailBurst\": 1 } }")) {
            for (int i = 0; i < 20; i++) {
                assertThat(server.get("/health", null).status()).isEqualTo(200);
            }
        }
    }

    @Test
    void mailRoutesHaveASmallerBucketPerClient_otherRoutesAndClientsAreUnaffected() throws Exception {
        try (TestServer server = start("{ \"trustedProxies\": [\"127.0.0.1\"], \"rateLimit\": { \"mailBurst\": 2, \"mailRequestsPerHour\": 20 } }")) {
            String register = APP + "/auth/providers/local-userpass/register";
            String a = "203.0.113.10";
            assertThat(from(server, a, "POST", register, registration()).status()).isEqualTo(201);
            assertThat(from(server, a, "POST", register + "/", registration()).status()).isEqualTo(201);
            TestServer.Reply refused = from(server, a, "POST", register, registration());
            assertTooMany(refused, 180);
            assertThat(refused.string("error")).contains("mail");
            for (String route : RequestLimits.MAIL_ACTIONS) {
                assertTooMany(from(server, a, "POST", APP + "/auth/providers/local-userpass/" + route, "{\"email\":\"x@example.com\"}"), 180);
            }
            // Log-ins, token redemptions and everything else still pass; so do other clients.
            assertThat(from(server, a, "POST", APP + "/auth/providers/anon-user/login", "{}").status()).isEqualTo(200);
            assertThat(from(server, a, "POST", APP + "/auth/providers/local-userpass/confirm", "{\"token\":\"a\",\"tokenId\":\"b\"}")
                    .status()).isEqualTo(400);
            assertThat(from(server, "203.0.113.11", "POST", register, registration()).status()).isEqualTo(201);

            clock.advance(Duration.ofMinutes(3));
            assertThat(from(server, a, "POST", register, registration()).status()).isEqualTo(201);
            assertTooMany(from(server, a, "POST", register, registration()), 180);
        }
    }

    private static String registration() {
        JsonObject body = new JsonObject();
        body.addProperty("email", "user-" + UUID.randomUUID() + "@example.com");
        body.addProperty("password", "correct horse");
        return body.toString();
    }

    @Test
    void aStrangerCannotSpendAnAddressesMailBudgetFromOneClient() throws Exception {
        try (FakeMailbox mailbox = FakeMailbox.start();
             TestServer server = start("{ \"trustedProxies\": [\"127.0.0.1\"] }", mailProviders(mailbox))) {
            String victim = "victim-" + UUID.randomUUID() + "@example.com";
            assertThat(from(server, "203.0.113.20", "POST", APP + "/auth/providers/local-userpass/register",
                    "{\"email\":\"" + victim + "\",\"password\":\"correct horse\"}").status()).isEqualTo(201);
            int passed = strangerAsksForResets(server, victim);
            assertThat(passed).as("the default mailBurst, below the engine's 10 per address").isEqualTo(RateLimits.DEFAULTS.mailBurst());
            TestServer.Reply owner = from(server, "203.0.113.21", "POST", APP + "/auth/providers/local-userpass/reset/send",
                    "{\"email\":\"" + victim + "\"}");
            assertThat(owner.status()).as(owner.text()).isEqualTo(204);
        }
    }

    @Test
    void withoutTheMailLimitTheSameStrangerEmptiesTheBudget_whichIsWhatTheLimitPrevents() throws Exception {
        try (FakeMailbox mailbox = FakeMailbox.start();
             TestServer server = start("{ \"trustedProxies\": [\"127.0.0.1\"], \"rateLimit\": { \"mailBurst\": 1000 } }",
                     mailProviders(mailbox))) {
            String victim = "victim-" + UUID.randomUUID() + "@example.com";
            assertThat(from(server, "203.0.113.20", "POST", APP + "/auth/providers/local-userpass/register",
                    "{\"email\":\"" + victim + "\",\"password\":\"correct horse\"}").status()).isEqualTo(201);
            strangerAsksForResets(server, victim);
            TestServer.Reply owner = from(server, "203.0.113.21", "POST", APP + "/auth/providers/local-userpass/reset/send",
                    "{\"email\":\"" + victim + "\"}");
            assertThat(owner.status()).isEqualTo(429);
        }
    }

    /** Twenty reset mails asked for one address from one client; how many were answered 204. */
    private static int strangerAsksForResets(TestServer server, String victim) throws Exception {
        int passed = 0;
        for (int i = 0; i < 20; i++) {
            TestServer.Reply r = from(server, "198.51.100.66", "POST", APP + "/auth/providers/local-userpass/reset/send",
                    "{\"email\":\"" + victim + "\"}");
            assertThat(r.status()).as(r.text()).isIn(204, 429);
            passed += r.status() == 204 ? 1 : 0;
        }
        return passed;
    }

    private static String mailProviders(FakeMailbox mailbox) {
        return "\"local-userpass\": { \"enabled\": true, \"autoConfirm\": true, \"resetPasswordUrl\": \"http://localhost/reset\","
                + " \"smtp\": { \"host\": \"" + mailbox.host() + "\", \"port\": " + mailbox.port()
                + ", \"security\": \"none\", \"from\": \"no-reply@example.com\" } }";
    }

    @Test
    void tenWrongPasswordsForOneAccountAre429_whileAnotherAccountAndAnotherAddressStillLogIn() throws Exception {
        try (TestServer server = start("{ \"trustedProxies\": [\"127.0.0.1\"], \"rateLimit\": { \"mailBurst\": 10 } }")) {
            String victim = "v-" + UUID.randomUUID() + "@example.com";
            String other = "o-" + UUID.randomUUID() + "@example.com";
            for (String email : new String[] {victim, other}) {
                assertThat(from(server, "203.0.113.30", "POST", APP + "/auth/providers/local-userpass/register",
                        "{\"email\":\"" + email + "\",\"password\":\"correct horse\"}").status()).isEqualTo(201);
            }
            String attacker = "198.51.100.99";
            String login = APP + "/auth/providers/local-userpass/login";
            for (int i = 0; i < 10; i++) {
                TestServer.Reply r = from(server, attacker, "POST", login, emailPassword(victim, "guess " + i));
                assertThat(r.status()).isEqualTo(401);
                assertThat(r.errorCode()).isEqualTo("InvalidPassword");
            }
            TestServer.Reply refused = from(server, attacker, "POST", login, emailPassword(victim, "correct horse"));
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.errorCode()).isEqualTo("TooManyRequests");
            assertThat(Long.parseLong(refused.headers().get("Retry-After"))).isBetween(1L, 90L);
            assertThat(refused.text()).doesNotContain(victim).doesNotContain(attacker);

            assertThat(from(server, attacker, "POST", login, emailPassword(other, "correct horse")).status()).isEqualTo(200);
            assertThat(from(server, "203.0.113.31", "POST", login, emailPassword(victim, "correct horse")).status())
                    .as("the owner, elsewhere, is not slowed").isEqualTo(200);
        }
    }

    @Test
    void anIpv6AttackerCannotDodgeTheLogInThrottleByTakingANewAddressOfItsSlash64ForEachGuess() throws Exception {
        try (TestServer server = start("{ \"trustedProxies\": [\"127.0.0.1\"] }")) {
            String victim = "v6-" + UUID.randomUUID() + "@example.com";
            assertThat(from(server, "203.0.113.40", "POST", APP + "/auth/providers/local-userpass/register",
                    "{\"email\":\"" + victim + "\",\"password\":\"correct horse\"}").status()).isEqualTo(201);
            String login = APP + "/auth/providers/local-userpass/login";
            // One host holds the whole /64: every guess from a fresh address of it is still one source.
            for (int i = 1; i <= 10; i++) {
                TestServer.Reply r = from(server, "2001:db8:7:7::" + Integer.toHexString(i), "POST", login,
                        emailPassword(victim, "guess " + i));
                assertThat(r.status()).as(r.text()).isEqualTo(401);
            }
            TestServer.Reply refused = from(server, "2001:db8:7:7:abcd::1", "POST", login, emailPassword(victim, "guess 11"));
            assertThat(refused.status()).as(refused.text()).isEqualTo(429);
            assertThat(refused.errorCode()).isEqualTo("TooManyRequests");

            assertThat(from(server, "2001:db8:7:8::1", "POST", login, emailPassword(victim, "correct horse")).status())
                    .as("another /64 is another source").isEqualTo(200);
        }
    }

    // ---- configuration

    @Test
    void theSectionIsCheckedKeyByKey() {
        assertThat(ServerConfig.parse("{}").rateLimits()).isEqualTo(RateLimits.DEFAULTS);
        RateLimits custom = ServerConfig.parse("{\"server\": {\"rateLimit\": {\"enabled\": false, \"requestsPerMinute\": 5, \"burst\": 7,"
                + " \"mailRequestsPerHour\": 3, \"mailBurst\": 2, \"maxTrackedAddresses\": 5000}}}").rateLimits();
        assertThat(custom).isEqualTo(new RateLimits(false, 5, 7, 3, 2, 5000));
        assertRefused("{\"rateLimit\": {\"burts\": 5}}", "unknown key burts");
        assertRefused("{\"rateLimit\": 5}", "server.rateLimit: expected an object");
        assertRefused("{\"rateLimit\": {\"enabled\": \"yes\"}}", "server.rateLimit.enabled");
        assertRefused("{\"rateLimit\": {\"burst\": 0}}", "server.rateLimit.burst: expected 1 to");
        assertRefused("{\"rateLimit\": {\"requestsPerMinute\": 1.5}}", "server.rateLimit.requestsPerMinute: expected a whole number");
        assertRefused("{\"rateLimit\": {\"mailBurst\": \"5\"}}", "server.rateLimit.mailBurst: expected a whole number");
        assertRefused("{\"rateLimit\": {\"maxTrackedAddresses\": 10}}", "server.rateLimit.maxTrackedAddresses: expected 1000 to");
        assertRefused("{\"rateLimit\": {\"requestsPerMinute\": 1e30}}", "whole number");
        assertRefused("{\"rateLimits\": {}}", "unknown key rateLimits");
    }

    private static void assertRefused(String serverSection, String message) {
        assertThatThrownBy(() -> ServerConfig.parse("{\"server\": " + serverSection + "}"))
                .isInstanceOf(AuthException.class)
                .hasMessageContaining(message)
                .extracting(e -> ((AuthException) e).code()).isEqualTo(ErrorCode.CONFIGURATION);
    }
}
