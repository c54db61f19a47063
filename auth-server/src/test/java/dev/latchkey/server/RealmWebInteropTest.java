package dev.latchkey.server;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.latchkey.api.ApiKey;
import dev.latchkey.api.Identity;
import dev.latchkey.api.UserInfo;
import dev.latchkey.testkit.TestClock;
import dev.latchkey.testkit.fake.BackendRequest;
import dev.latchkey.testkit.fake.FakeFunctionEndpoint;
import dev.latchkey.testkit.fake.JsonReply;
import dev.latchkey.testkit.mail.FakeMailbox;
import dev.latchkey.testkit.mail.ReceivedMail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Interop with software we did not write, against a real server on loopback: realm-web (the
 * official App Services JavaScript SDK, unmodified, only its {@code baseUrl} pointed here) and
 * npm's jose (verifying our access tokens from the published JWK Set alone). Each test runs one
 * script of {@code src/test/node} with Node, answers its questions (a mailed link, a moved clock),
 * and checks what the script saw and what the server now holds.
 */
class RealmWebInteropTest {
    private static final String APP_ID = "interop-app";
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration MAIL_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration ACCESS_TOKEN_TTL = Duration.ofMinutes(5);
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(10);
    private static final String CONFIRM_URL = "https://app.example.com/confirm";

    @TempDir
    static java.nio.file.Path data;
    static TestClock clock;
    static FakeMailbox mailbox;
    static FakeFunctionEndpoint webhook;
    static String jwtSecret;
    static LatchkeyServer server;

    @BeforeAll
    static void start() {
        // The engine's clock starts at the real time, so the scripts' own clocks (jose checks exp
        // and iat) agree with it until a test moves it; scripts that sign or verify are given it.
        clock = new TestClock(Instant.now());
        mailbox = FakeMailbox.start();
        // The application's function: any user name with the PIN 7319 is that user.
        webhook = new FakeFunctionEndpoint(clock).answerWith(payload ->
                payload.get("username") instanceof String name && "7319".equals(payload.get("pin"))
                        ? JsonReply.ok(Map.of("id", "fn-" + name, "name", name))
                        : JsonReply.status(401, Map.of("error", "unknown user or wrong PIN")));
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        jwtSecret = HexFormat.of().formatHex(secret);
        String config = """
                { "providers": {
                    "anon-user": { "enabled": true },
                    "api-key": { "enabled": true },
                    "local-userpass": { "enabled": true, "autoConfirm": false, "emailConfirmationUrl": "%s",
                                        "smtp": { "host": "%s", "port": %d, "security": "none", "from": "no-reply@example.com" } },
                    "custom-token": { "enabled": true, "hs256Secrets": ["%s"], "metadataFields": [ { "name": "name" } ] },
                    "custom-function": { "enabled": true, "webhookUrl": "%s", "webhookSecret": "%s" } },
                  "tokens": { "accessTokenTtl": "%s", "clockSkew": "%s" } }
                """.formatted(CONFIRM_URL, mailbox.host(), mailbox.port(), jwtSecret, webhook.url(), webhook.secret(),
                ACCESS_TOKEN_TTL, CLOCK_SKEW);
        server = LatchkeyServer.start(ServerOptions.defaults().withAppId(APP_ID).withPort(0).withDataDirectory(data)
                .withConfigJson(config).withEngineSetup(builder -> builder.clock(clock)));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (webhook != null) {
            webhook.close();
        }
        if (mailbox != null) {
            mailbox.close();
        }
    }

    // ---- realm-web

    @Test
    void anonymousLogIn_readsTheProfile_andSendsBackTheDeviceIdTheServerGave() {
        NodeScript.Outcome run = realmWeb("anonymous");
        JsonObject first = run.result().getAsJsonObject("first");
        String userId = first.get("userId").getAsString();
        assertThat(first.get("state").getAsString()).isEqualTo("active");
        assertThat(first.get("profileType").getAsString()).isEqualTo("normal");
        assertThat(providerTypes(first.getAsJsonArray("identities"))).containsExactly("anon-user");
        assertThat(first.getAsJsonObject("profile").size()).isZero();
        assertThat(run.result().get("currentUserId").getAsString()).isEqualTo(run.result().getAsJsonObject("second").get("userId").getAsString());
        JsonObject device = run.result().getAsJsonObject("device");
        String given = device.get("given").getAsString();
        assertThat(given).matches("[0-9a-f]{24}");
        assertThat(device.get("sentBack").getAsString()).as("realm-web sends the id back as an ObjectId").isEqualTo(given);
        assertThat(device.get("givenAgain").getAsString()).as("the server keeps a known device").isEqualTo(given);
        assertThat(device.get("userDeviceId").getAsString()).as("realm-web reads it from the token's baas_device_id claim")
                .isEqualTo(given);

        UserInfo stored = server.engine().findUser(userId).orElseThrow();
        assertThat(stored.identities()).extracting(Identity::providerType).containsExactly("anon-user");
        // location first, then log-in and profile; the second log-in reuses the device id it was given.
        assertThat(run.exchanges()).startsWith(
                "GET /api/client/v2.0/app/" + APP_ID + "/location 200",
                "POST /api/client/v2.0/app/" + APP_ID + "/auth/providers/anon-user/login 200",
                "GET /api/client/v2.0/auth/profile 200");
    }

    @Test
    void emailPassword_registerThenConfirmByMailThenLogIn() {
        String email = newEmail();
        NodeScript.Outcome run = realmWeb("email-password", answerConfirmations(), "--email", email, "--password", "correct horse");
        JsonObject r = run.result();
        String userId = r.get("userId").getAsString();
        assertThat(providerTypes(r.getAsJsonArray("identities"))).containsExactly("local-userpass");
        assertThat(r.getAsJsonObject("profile").get("email").getAsString()).isEqualTo(email);
        // Refusals as realm-web reports them: status and App Services error code.
        assertThat(refusal(r, "beforeConfirmation")).isEqualTo("401 AuthError");
        assertThat(refusal(r, "confirmedTwice")).isEqualTo("409 UserAlreadyConfirmed");
        assertThat(refusal(r, "wrongPassword")).isEqualTo("401 InvalidPassword");

        UserInfo stored = server.engine().findUser(userId).orElseThrow();
        assertThat(stored.identities()).extracting(Identity::providerType).containsExactly("local-userpass");
        assertThat(stored.profile().email()).isEqualTo(email);
        assertThat(run.exchanges()).contains(
                "POST /api/client/v2.0/app/" + APP_ID + "/auth/providers/local-userpass/register 201",
                "POST /api/client/v2.0/app/" + APP_ID + "/auth/providers/local-userpass/confirm 204");
    }

    @Test
    void anAnonymousUserLinksAnEmailAccount_andKeepsItsId() {
        String email = newEmail();
        NodeScript.Outcome run = realmWeb("link", answerConfirmations(), "--email", email, "--password", "battery staple");
        JsonObject r = run.result();
        String userId = r.get("userId").getAsString();
        assertThat(providerTypes(r.getAsJsonArray("linkedIdentities"))).containsExactlyInAnyOrder("anon-user", "local-userpass");
        assertThat(r.get("byPasswordUserId").getAsString()).isEqualTo(userId);
        assertThat(run.exchanges()).contains("POST /api/client/v2.0/app/" + APP_ID + "/auth/providers/local-userpass/login?link=true 200");

        UserInfo stored = server.engine().findUser(userId).orElseThrow();
        assertThat(stored.identities()).extracting(Identity::providerType).containsExactlyInAnyOrder("anon-user", "local-userpass");
    }

    @Test
    void apiKeys_createdThroughRealmWeb_logInAsTheirOwner_untilDisabled() {
        String owner = "keyholder-" + UUID.randomUUID();
        NodeScript.Outcome run = realmWeb("api-key", "--subject", owner);
        JsonObject r = run.result();
        String ownerId = r.get("ownerId").getAsString();
        assertThat(server.engine().findUserByIdentity("custom-function", "fn-" + owner)).map(UserInfo::id).contains(ownerId);
        JsonObject created = r.getAsJsonObject("created");
        assertThat(created.get("name").getAsString()).isEqualTo("ci-key");
        assertThat(created.get("disabled").getAsBoolean()).isFalse();
        assertThat(created.get("hasKey").getAsBoolean()).isTrue();
        JsonArray listed = r.getAsJsonArray("listed");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).getAsJsonObject().get("hasKey").getAsBoolean()).as("the value is shown only at creation").isFalse();
        assertThat(r.getAsJsonObject("fetched").get("id").getAsString()).isEqualTo(created.get("id").getAsString());
        assertThat(r.get("byKeyUserId").getAsString()).isEqualTo(ownerId);
        assertThat(refusal(r, "disabled")).startsWith("401 ");

        List<ApiKey> keys = server.engine().apiKeys(ownerId).fetchAll();
        assertThat(keys).extracting(ApiKey::name).containsExactly("ci-key");
        assertThat(keys.get(0).enabled()).isFalse();
        assertThat(keys.get(0).id()).isEqualTo(created.get("id").getAsString());
    }

    @Test
    void customJwt_signedWithNpmJose_logsInAsItsSubject() {
        String subject = "alice-" + UUID.randomUUID();
        NodeScript.Outcome run = NodeScript.run(SCRIPT_TIMEOUT, Map.of("LATCHKEY_INTEROP_JWT_SECRET", jwtSecret), noQuestions(),
                "realm-web.mjs", "jwt", "--base-url", server.url(), "--app-id", APP_ID, "--subject", subject,
                "--now", Long.toString(clock.instant().getEpochSecond()));
        JsonObject r = run.result();
        String userId = r.get("userId").getAsString();
        assertThat(providerTypes(r.getAsJsonArray("identities"))).containsExactly("custom-token");
        assertThat(r.getAsJsonObject("profile").get("name").getAsString()).isEqualTo("Alice Liddell");
        assertThat(refusal(r, "otherSecret")).isEqualTo("401 InvalidPassword");
        assertThat(refusal(r, "notAJwt")).startsWith("400 ");

        assertThat(server.engine().findUserByIdentity("custom-token", subject)).map(UserInfo::id).contains(userId);
    }

    @Test
    void customFunction_sendsThePayloadToTheWebhook_whoseAnswerNamesTheUser() {
        webhook.clearRequests();
        NodeScript.Outcome run = realmWeb("function");
        JsonObject r = run.result();
        String userId = r.get("userId").getAsString();
        assertThat(providerTypes(r.getAsJsonArray("identities"))).containsExactly("custom-function");
        assertThat(r.getAsJsonObject("profile").get("name").getAsString()).isEqualTo("caleb");
        assertThat(refusal(r, "wrongPin")).startsWith("401 ");
        assertThat(r.getAsJsonObject("wrongPin").get("error").getAsString()).contains("unknown user or wrong PIN");

        assertThat(server.engine().findUserByIdentity("custom-function", "fn-caleb")).map(UserInfo::id).contains(userId);
        // The webhook got the payload realm-web was given, without realm-web's device "options".
        List<BackendRequest> requests = webhook.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).jsonBody().orElseThrow()).isEqualTo(com.google.gson.JsonParser.parseString(
                "{\"username\":\"caleb\",\"pin\":\"7319\"}"));
        assertThat(requests).allSatisfy(request -> assertThat(webhook.problemWith(request)).isNull());
    }

    @Test
    void refresh_explicitAndAfterTheAccessTokenExpired_thenLogOutEndsTheSession() {
        NodeScript.Outcome run = realmWeb("session", question -> {
            assertThat(question.get("for").getAsString()).isEqualTo("expire-access-token");
            clock.advance(ACCESS_TOKEN_TTL.plus(CLOCK_SKEW).plusSeconds(1));
            return new JsonObject();
        });
        JsonObject r = run.result();
        assertThat(r.get("explicitRefreshChangedToken").getAsBoolean()).as("refreshAccessToken() got a new access token").isTrue();
        assertThat(r.get("expiredCallRefreshedToken").getAsBoolean())
                .as("a call with an expired access token made realm-web refresh it; exchanges: %s", run.exchanges()).isTrue();
        // realm-web's own recovery: the expired token is refused with 401 InvalidSession, it
        // refreshes with the refresh token, and retries the call.
        String profile = "GET /api/client/v2.0/auth/profile";
        String session = "POST /api/client/v2.0/auth/session";
        assertThat(run.exchanges()).containsSubsequence(profile + " 401", session + " 201", profile + " 200");
        assertThat(r.get("stateAfterLogOut").getAsString()).isEqualTo("logged-out");
        assertThat(r.get("tokensForgotten").getAsBoolean()).isTrue();
        assertThat(run.exchanges()).contains("DELETE /api/client/v2.0/auth/session 204");
        JsonObject old = r.getAsJsonObject("oldRefreshToken");
        assertThat(old.get("status").getAsInt()).isEqualTo(401);
        assertThat(old.get("errorCode").getAsString()).isEqualTo("InvalidSession");

        assertThat(server.engine().findUser(r.get("userId").getAsString())).isPresent();
    }

    // ---- jose

    @Test
    void npmJose_verifiesAccessTokensWithOnlyThePublishedJwks_andRefusesTamperedOnes() {
        NodeScript.Outcome run = NodeScript.run(SCRIPT_TIMEOUT, Map.of(), noQuestions(), "jose-verify.mjs",
                "--base-url", server.url(), "--app-id", APP_ID, "--issuer", "latchkey:" + APP_ID, "--audience", APP_ID,
                "--now", Long.toString(clock.instant().getEpochSecond()));
        JsonObject r = run.result();
        String userId = r.get("userId").getAsString();
        JsonObject claims = r.getAsJsonObject("claims");
        assertThat(claims.get("sub").getAsString()).isEqualTo(userId);
        assertThat(claims.get("iss").getAsString()).isEqualTo("latchkey:" + APP_ID);
        assertThat(claims.get("aud").getAsString()).isEqualTo(APP_ID);
        assertThat(claims.get("hasExp").getAsBoolean()).isTrue();
        assertThat(claims.get("hasJti").getAsBoolean()).isTrue();
        assertThat(r.getAsJsonObject("header").get("alg").getAsString()).isEqualTo("RS256");
        // The key jose used is one the server publishes, and the user the token names exists.
        assertThat(server.engine().jwks()).contains("\"" + r.getAsJsonObject("header").get("kid").getAsString() + "\"");
        assertThat(server.engine().findUser(userId)).isPresent();
        assertThat(run.exchanges()).contains("GET /.well-known/jwks.json 200");

        JsonObject refusals = r.getAsJsonObject("refusals");
        assertThat(code(refusals, "otherSubject")).isEqualTo("ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
        assertThat(code(refusals, "laterExpiry")).isEqualTo("ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
        assertThat(code(refusals, "otherSignature")).isEqualTo("ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
        assertThat(code(refusals, "algNone")).isIn("ERR_JOSE_ALG_NOT_ALLOWED", "ERR_JOSE_NOT_SUPPORTED");
        assertThat(code(refusals, "otherAudience")).isEqualTo("ERR_JWT_CLAIM_VALIDATION_FAILED");
        assertThat(code(refusals, "otherIssuer")).isEqualTo("ERR_JWT_CLAIM_VALIDATION_FAILED");
        assertThat(code(refusals, "afterExpiry")).isEqualTo("ERR_JWT_EXPIRED");
    }

    // ---- helpers

    private static NodeScript.Outcome realmWeb(String scenario, String... options) {
        return realmWeb(scenario, noQuestions(), options);
    }

    private static NodeScript.Outcome realmWeb(String scenario, Function<JsonObject, JsonObject> answers, String... options) {
        List<String> args = new ArrayList<>(List.of("realm-web.mjs", scenario, "--base-url", server.url(), "--app-id", APP_ID));
        args.addAll(List.of(options));
        return NodeScript.run(SCRIPT_TIMEOUT, Map.of(), answers, args.toArray(String[]::new));
    }

    private static Function<JsonObject, JsonObject> noQuestions() {
        return question -> {
            throw new AssertionError("this script was not expected to ask " + question);
        };
    }

    /** Answers "confirmation" questions as a user would: reads the mail and takes token and tokenId from its link. */
    private static Function<JsonObject, JsonObject> answerConfirmations() {
        return question -> {
            assertThat(question.get("for").getAsString()).isEqualTo("confirmation");
            ReceivedMail mail = mailbox.awaitMessageTo(question.get("email").getAsString(), MAIL_TIMEOUT);
            ReceivedMail.Link link = mail.link(CONFIRM_URL);
            JsonObject answer = new JsonObject();
            answer.addProperty("token", link.queryParameter("token"));
            answer.addProperty("tokenId", link.queryParameter("tokenId"));
            return answer;
        };
    }

    private static String newEmail() {
        return "interop-" + UUID.randomUUID() + "@example.com";
    }

    private static List<String> providerTypes(JsonArray identities) {
        List<String> types = new ArrayList<>();
        for (JsonElement e : identities) {
            types.add(e.getAsJsonObject().get("providerType").getAsString());
        }
        return types;
    }

    private static String refusal(JsonObject result, String name) {
        JsonObject r = result.getAsJsonObject(name);
        return r.get("statusCode").getAsString() + " " + (r.get("errorCode").isJsonNull() ? "(no error_code)" : r.get("errorCode").getAsString());
    }

    private static String code(JsonObject refusals, String name) {
        return refusals.getAsJsonObject(name).get("code").getAsString();
    }
}
