package dev.latchkey.server;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static dev.latchkey.server.TestServer.APP;
import static dev.latchkey.server.TestServer.AUTH;
import static dev.latchkey.server.TestServer.emailPassword;
import static org.assertj.core.api.Assertions.assertThat;

/** The App Services client API over real HTTP: every route's success and failure paths. */
class ClientApiTest {
    @TempDir
    static Path data;
    static TestServer server;

    @BeforeAll
    static void start() {
        // Every test registers from 127.0.0.1: the per-client mail limit (RateLimitTest) would refuse the sixth.
        server = TestServer.start(data, """
                { "providers": { "anon-user": { "enabled": true }, "api-key": { "enabled": true },
                                 "local-userpass": { "enabled": true, "autoConfirm": true } },
                  "server": { "rateLimit": { "mailBurst": 1000 } } }
                """);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String newEmail() {
        return "user-" + UUID.randomUUID() + "@example.com";
    }

    private static TestServer.Reply register(String email, String password) throws Exception {
        JsonObject body = new JsonObject();
        body.addProperty("email", email);
        body.addProperty("password", password);
        return server.post(APP + "/auth/providers/local-userpass/register", body.toString());
    }

    @Test
    void theWholeJourney_registerLogInProfileRefreshApiKeyLinkLogOut() throws Exception {
        String email = newEmail();
        assertThat(register(email, "correct horse").status()).isEqualTo(201);

        TestServer.Reply login = server.logIn("local-userpass", emailPassword(email, "correct horse"));
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.object().keySet()).contains("access_token", "refresh_token", "user_id", "device_id");
        String userId = login.string("user_id");
        String access = login.string("access_token");
        String refresh = login.string("refresh_token");
        assertThat(login.headers().get("Cache-Control")).isEqualTo("no-store");

        TestServer.Reply profile = server.get(AUTH + "/profile", access);
        assertThat(profile.status()).isEqualTo(200);
        assertThat(profile.string("user_id")).isEqualTo(userId);
        assertThat(profile.string("type")).isEqualTo("normal");
        assertThat(profile.object().getAsJsonObject("data").get("email").getAsString()).isEqualTo(email);
        JsonArray identities = profile.object().getAsJsonArray("identities");
        assertThat(identities).hasSize(1);
        assertThat(identities.get(0).getAsJsonObject().get("provider_type").getAsString()).isEqualTo("local-userpass");

        TestServer.Reply refreshed = server.call("POST", AUTH + "/session", null, refresh);
        assertThat(refreshed.status()).isEqualTo(201);
        String access2 = refreshed.string("access_token");
        assertThat(server.get(AUTH + "/profile", access2).status()).isEqualTo(200);

        TestServer.Reply key = server.call("POST", AUTH + "/api_keys", "{\"name\":\"ci-key\"}", refresh);
        assertThat(key.status()).isEqualTo(201);
        assertThat(key.object().keySet()).containsExactlyInAnyOrder("_id", "key", "name", "disabled");
        assertThat(key.object().get("disabled").getAsBoolean()).isFalse();
        String keyId = key.string("_id");

        TestServer.Reply list = server.call("GET", AUTH + "/api_keys", null, refresh);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().getAsJsonArray()).hasSize(1);
        assertThat(list.json().getAsJsonArray().get(0).getAsJsonObject().has("key")).as("the value is shown once").isFalse();

        TestServer.Reply keyLogin = server.logIn("api-key", "{\"key\":\"" + key.string("key") + "\"}");
        assertThat(keyLogin.status()).isEqualTo(200);
        assertThat(keyLogin.string("user_id")).isEqualTo(userId);

        // Link an anonymous-free identity: a second email account's credentials, linked to this user.
        String other = newEmail();
        assertThat(register(other, "battery staple").status()).isEqualTo(201);
        TestServer.Reply link = server.call("POST", APP + "/auth/providers/local-userpass/login?link=true",
                emailPassword(other, "battery staple"), access2);
        assertThat(link.status()).isEqualTo(200);
        assertThat(link.string("user_id")).isEqualTo(userId);
        // Both email identities and the API key's (a user API key is an identity of its user).
        assertThat(server.get(AUTH + "/profile", link.string("access_token")).object().getAsJsonArray("identities")).hasSize(3);

        assertThat(server.call("DELETE", AUTH + "/session", null, refresh).status()).isEqualTo(204);
        TestServer.Reply refused = server.call("POST", AUTH + "/session", null, refresh);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.errorCode()).isEqualTo("InvalidSession");
        assertThat(server.get(AUTH + "/profile", access2).status()).as("the session's access tokens end with it").isEqualTo(401);
    }

    @Test
    void anonymousLogInGivesANewUserAndProfileTypeNormal() throws Exception {
        TestServer.Reply a = server.logIn("anon-user", "{\"options\":{\"device\":{\"deviceId\":\"000000000000000000000000\"}}}");
        assertThat(a.status()).isEqualTo(200);
        TestServer.Reply profile = server.get(AUTH + "/profile", a.string("access_token"));
        assertThat(profile.object().getAsJsonArray("identities").get(0).getAsJsonObject().get("provider_type").getAsString())
                .isEqualTo("anon-user");
        assertThat(profile.object().getAsJsonObject("data").size()).isZero();
    }

    @Test
    void aKnownDeviceIdIsKept_asAStringOrAnExtendedJsonOid() throws Exception {
        TestServer.Reply first = server.logIn("anon-user", "{}");
        String device = first.string("device_id");
        assertThat(device).matches("[0-9a-f]{24}");
        TestServer.Reply plain = server.logIn("anon-user", "{\"options\":{\"device\":{\"deviceId\":\"" + device + "\"}}}");
        TestServer.Reply oid = server.logIn("anon-user", "{\"options\":{\"device\":{\"deviceId\":{\"$oid\":\"" + device + "\"}}}}");
        assertThat(plain.string("device_id")).isEqualTo(device);
        assertThat(oid.string("device_id")).isEqualTo(device);
        TestServer.Reply bad = server.logIn("anon-user", "{\"options\":{\"device\":{\"deviceId\":\"../../etc\"}}}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorCode()).isEqualTo("InvalidParameter");
    }

    @Test
    void wrongPasswordIs401InvalidPassword() throws Exception {
        String email = newEmail();
        register(email, "correct horse");
        TestServer.Reply r = server.logIn("local-userpass", emailPassword(email, "wrong horse!"));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.errorCode()).isEqualTo("InvalidPassword");
        assertThat(r.object().has("error")).isTrue();
        assertThat(r.text()).doesNotContain("wrong horse!");
    }

    @Test
    void registeringATakenAddressIs409AccountNameInUse() throws Exception {
        String email = newEmail();
        assertThat(register(email, "correct horse").status()).isEqualTo(201);
        TestServer.Reply again = register(email, "correct horse");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.errorCode()).isEqualTo("AccountNameInUse");
    }

    @Test
    void aShortPasswordIs400() throws Exception {
        TestServer.Reply r = register(newEmail(), "abc");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("BadRequest");
    }

    @Test
    void registerWithAFieldOfTheWrongTypeIs400NamingIt() throws Exception {
        TestServer.Reply r = server.post(APP + "/auth/providers/local-userpass/register", "{\"email\": 5, \"password\": \"x\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.string("error")).contains("'email'");
    }

    @Test
    void confirmAndResetWithAnUnknownTokenAre400UserpassTokenInvalid() throws Exception {
        TestServer.Reply confirm = server.post(APP + "/auth/providers/local-userpass/confirm", "{\"token\":\"abc\",\"tokenId\":\"def\"}");
        assertThat(confirm.status()).isEqualTo(400);
        assertThat(confirm.errorCode()).isEqualTo("UserpassTokenInvalid");
        TestServer.Reply reset = server.post(APP + "/auth/providers/local-userpass/reset",
                "{\"token\":\"abc\",\"tokenId\":\"def\",\"password\":\"new password\"}");
        assertThat(reset.status()).isEqualTo(400);
        assertThat(reset.errorCode()).isEqualTo("UserpassTokenInvalid");
    }

    @Test
    void mailAndFunctionRoutesAreRefusedWhenTheProviderDoesNotConfirmThatWay() throws Exception {
        String email = newEmail();
        register(email, "correct horse");
        for (String route : new String[] {"confirm/send", "confirm/call", "reset/send"}) {
            TestServer.Reply r = server.post(APP + "/auth/providers/local-userpass/" + route, "{\"email\":\"" + email + "\"}");
            assertThat(r.status()).as(route).isIn(400, 409);
            assertThat(r.errorCode()).as(route).isIn("BadRequest", "UserAlreadyConfirmed");
        }
        TestServer.Reply call = server.post(APP + "/auth/providers/local-userpass/reset/call",
                "{\"email\":\"" + email + "\",\"password\":\"new password\",\"arguments\":[1,{\"$numberInt\":\"2\"}]}");
        assertThat(call.status()).isEqualTo(400);
        TestServer.Reply badArgs = server.post(APP + "/auth/providers/local-userpass/reset/call",
                "{\"email\":\"" + email + "\",\"password\":\"new password\",\"arguments\":\"no\"}");
        assertThat(badArgs.status()).isEqualTo(400);
        assertThat(badArgs.string("error")).contains("'arguments'");
    }

    @Test
    void profileWithoutATokenOrWithGarbageIs401InvalidSession() throws Exception {
        for (String bearer : new String[] {null, "garbage", "a.b", "a.b.c.d"}) {
            TestServer.Reply r = server.get(AUTH + "/profile", bearer);
            assertThat(r.status()).as(String.valueOf(bearer)).isEqualTo(401);
            assertThat(r.errorCode()).isEqualTo("InvalidSession");
        }
    }

    @Test
    void aRefreshTokenIsNotAnAccessToken_andAnAccessTokenIsNotARefreshToken() throws Exception {
        TestServer.Reply login = server.logIn("anon-user", "{}");
        assertThat(server.get(AUTH + "/profile", login.string("refresh_token")).status()).isEqualTo(401);
        assertThat(server.call("POST", AUTH + "/session", null, login.string("access_token")).status()).isEqualTo(401);
        assertThat(server.call("GET", AUTH + "/api_keys", null, login.string("access_token")).status()).isEqualTo(401);
    }

    @Test
    void apiKeyRoutes_fetchEnableDisableDelete_andTheirFailures() throws Exception {
        String email = newEmail();
        register(email, "correct horse");
        String refresh = server.logIn("local-userpass", emailPassword(email, "correct horse")).string("refresh_token");
        TestServer.Reply created = server.call("POST", AUTH + "/api_keys", "{\"name\":\"k1\"}", refresh);
        String id = created.string("_id");
        String value = created.string("key");

        TestServer.Reply fetched = server.call("GET", AUTH + "/api_keys/" + id, null, refresh);
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.string("name")).isEqualTo("k1");
        assertThat(fetched.object().has("key")).isFalse();

        assertThat(server.call("PUT", AUTH + "/api_keys/" + id + "/disable", null, refresh).status()).isEqualTo(204);
        assertThat(server.call("GET", AUTH + "/api_keys/" + id, null, refresh).object().get("disabled").getAsBoolean()).isTrue();
        assertThat(server.logIn("api-key", "{\"key\":\"" + value + "\"}").status()).isEqualTo(401);
        assertThat(server.call("PUT", AUTH + "/api_keys/" + id + "/enable", null, refresh).status()).isEqualTo(204);
        assertThat(server.logIn("api-key", "{\"key\":\"" + value + "\"}").status()).isEqualTo(200);

        TestServer.Reply duplicate = server.call("POST", AUTH + "/api_keys", "{\"name\":\"k1\"}", refresh);
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.errorCode()).isEqualTo("APIKeyAlreadyExists");

        assertThat(server.call("DELETE", AUTH + "/api_keys/" + id, null, refresh).status()).isEqualTo(204);
        TestServer.Reply gone = server.call("GET", AUTH + "/api_keys/" + id, null, refresh);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.errorCode()).isEqualTo("APIKeyNotFound");
        assertThat(server.call("PUT", AUTH + "/api_keys/" + id + "/enable", null, refresh).status()).isEqualTo(404);
        assertThat(server.call("GET", AUTH + "/api_keys/not..an..id", null, refresh).status()).isEqualTo(404);

        TestServer.Reply noName = server.call("POST", AUTH + "/api_keys", "{}", refresh);
        assertThat(noName.status()).isEqualTo(400);
        assertThat(server.call("GET", AUTH + "/api_keys", null, null).status()).isEqualTo(401);
    }

    @Test
    void anonymousUsersCannotHaveApiKeys() throws Exception {
        String refresh = server.logIn("anon-user", "{}").string("refresh_token");
        TestServer.Reply r = server.call("POST", AUTH + "/api_keys", "{\"name\":\"k\"}", refresh);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("BadRequest");
    }

    @Test
    void linkingNeedsAnAccessToken_andAnIdentityOfAnotherUserIs409() throws Exception {
        String a = newEmail();
        String b = newEmail();
        register(a, "correct horse");
        register(b, "correct horse");
        String accessA = server.logIn("local-userpass", emailPassword(a, "correct horse")).string("access_token");
        server.logIn("local-userpass", emailPassword(b, "correct horse"));

        TestServer.Reply noToken = server.post(APP + "/auth/providers/local-userpass/login?link=true",
                emailPassword(b, "correct horse"));
        assertThat(noToken.status()).isEqualTo(401);
        TestServer.Reply inUse = server.call("POST", APP + "/auth/providers/local-userpass/login?link=true",
                emailPassword(b, "correct horse"), accessA);
        assertThat(inUse.status()).isEqualTo(409);
        assertThat(inUse.errorCode()).isEqualTo("AccountNameInUse");
        TestServer.Reply anonymous = server.call("POST", APP + "/auth/providers/anon-user/login?link=true", "{}", accessA);
        assertThat(anonymous.status()).isEqualTo(400);
    }

    @Test
    void deletingTheUserEndsItsSessionsAndItsAccount() throws Exception {
        String email = newEmail();
        register(email, "correct horse");
        TestServer.Reply login = server.logIn("local-userpass", emailPassword(email, "correct horse"));
        assertThat(server.call("DELETE", AUTH + "/delete", null, login.string("access_token")).status()).isEqualTo(204);
        assertThat(server.call("POST", AUTH + "/session", null, login.string("refresh_token")).status()).isEqualTo(401);
        assertThat(server.logIn("local-userpass", emailPassword(email, "correct horse")).status()).isEqualTo(401);
        assertThat(server.call("DELETE", AUTH + "/delete", null, login.string("access_token")).status()).isEqualTo(401);
    }

    @Test
    void aDisabledUsersRefreshIs401() throws Exception {
        TestServer.Reply login = server.logIn("anon-user", "{}");
        server.server.engine().disableUser(login.string("user_id"));
        TestServer.Reply r = server.call("POST", AUTH + "/session", null, login.string("refresh_token"));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.errorCode()).isEqualTo("InvalidSession");
    }

    @Test
    void loggingOutAnUnknownTokenIsHarmless204_butWithoutATokenIs401() throws Exception {
        assertThat(server.call("DELETE", AUTH + "/session", null, "not-a-token").status()).isEqualTo(204);
        assertThat(server.call("DELETE", AUTH + "/session", null, null).status()).isEqualTo(401);
    }

    @Test
    void aDisabledOrUnknownProviderIs404AuthProviderNotFound() throws Exception {
        for (String provider : new String[] {"custom-token", "oauth2-nobody"}) {
            TestServer.Reply r = server.logIn(provider, "{\"token\":\"x\"}");
            assertThat(r.status()).as(provider).isEqualTo(404);
            assertThat(r.errorCode()).isEqualTo("AuthProviderNotFound");
        }
    }

    @Test
    void locationAnswersTheListeningUrl() throws Exception {
        TestServer.Reply r = server.get(APP + "/location", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.object().keySet()).containsExactlyInAnyOrder("deployment_model", "location", "hostname", "ws_hostname");
        assertThat(r.string("hostname")).isEqualTo(server.server.url());
        assertThat(r.string("ws_hostname")).isEqualTo(server.server.url().replace("http://", "ws://"));
    }

    @Test
    void jwksAndDiscoveryPublishTheSigningKeys() throws Exception {
        TestServer.Reply jwks = server.get("/.well-known/jwks.json", null);
        assertThat(jwks.status()).isEqualTo(200);
        assertThat(jwks.object().getAsJsonArray("keys")).isNotEmpty();
        assertThat(jwks.headers().get("Cache-Control")).isEqualTo("public, max-age=300");
        TestServer.Reply discovery = server.get("/.well-known/openid-configuration", null);
        assertThat(discovery.string("issuer")).isEqualTo("latchkey:latchkey");
        assertThat(discovery.string("jwks_uri")).isEqualTo(server.server.url() + "/.well-known/jwks.json");
        assertThat(discovery.object().getAsJsonArray("id_token_signing_alg_values_supported").get(0).getAsString()).isEqualTo("RS256");
    }

    @Test
    void healthIsOkAndEveryAnswerCarriesTheSecurityHeaders() throws Exception {
        TestServer.Reply r = server.get("/health", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.object().get("status").getAsString()).isEqualTo("ok");
        for (TestServer.Reply any : new TestServer.Reply[] {r, server.get("/nope", null), server.logIn("anon-user", "{}")}) {
            assertThat(any.headers().get("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(any.headers().get("Server")).isNull();
        }
    }

    @Test
    void profileDataIsSnakeCaseStrings() {
        var profile = dev.latchkey.api.Profile.builder().name("Ann Lee").firstName("Ann").lastName("Lee")
                .pictureUrl("https://p/x.png").minAge(18).maxAge(25).extra("team", "blue").extra("name", "not this").build();
        JsonObject data = ClientApi.profileData(profile);
        assertThat(Map.of("name", data.get("name").getAsString(), "first_name", data.get("first_name").getAsString(),
                "last_name", data.get("last_name").getAsString(), "picture", data.get("picture").getAsString(),
                "picture_url", data.get("picture_url").getAsString(), "min_age", data.get("min_age").getAsString(),
                "max_age", data.get("max_age").getAsString(), "team", data.get("team").getAsString()))
                .containsEntry("name", "Ann Lee").containsEntry("first_name", "Ann").containsEntry("last_name", "Lee")
                .containsEntry("picture", "https://p/x.png").containsEntry("picture_url", "https://p/x.png")
                .containsEntry("min_age", "18").containsEntry("max_age", "25").containsEntry("team", "blue");
    }
}
