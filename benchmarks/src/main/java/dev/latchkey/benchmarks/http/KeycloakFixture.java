package dev.latchkey.benchmarks.http;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.FormBody;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * What the Keycloak scenarios need, made through Keycloak's admin REST API before anything is measured:
 * a realm whose password policy is Argon2id at the benchmark's cost, with brute-force protection off and
 * refresh tokens reusable (Keycloak's defaults, set explicitly and read back); confidential clients with
 * direct access grants and service accounts on; users with a password, each one's stored credential read
 * back to prove the hash's algorithm and cost; and sessions opened by password grant, whose refresh tokens
 * the refresh scenario reuses. Then the three token-endpoint scenarios.
 */
final class KeycloakFixture {
    static final String REALM = "bench";
    private static final MediaType JSON = MediaType.get("application/json");
    private static final Duration ADMIN_TOKEN_REUSE = Duration.ofSeconds(30);

    private final OkHttpClient client;
    private final Gson gson = new Gson();
    private final String base;
    private final String adminUser;
    private final String adminPassword;
    private final SecureRandom random = new SecureRandom();
    private final List<String[]> clients = new ArrayList<>();
    private final List<String[]> users = new ArrayList<>();
    private final List<String> refreshTokens = new ArrayList<>();
    private final List<String> verifiedHashes = new ArrayList<>();
    private String adminToken;
    private long adminTokenAt;

    KeycloakFixture(String baseUrl, String adminUser, String adminPassword, Duration requestTimeout) {
        this.client = new OkHttpClient.Builder().callTimeout(requestTimeout).build();
        this.base = baseUrl;
        this.adminUser = adminUser;
        this.adminPassword = adminPassword;
    }

    /** The realm's password policy: Argon2id is Keycloak's "argon2" provider; its iterations can be set per realm. */
    static String passwordPolicy(int[] argon2) {
        return "hashAlgorithm(argon2) and hashIterations(" + argon2[1] + ")";
    }

    /**
     * Keycloak's start-up options for the Argon2 provider's cost: memory and lanes exist only as provider
     * options, not as realm policies (Keycloak 26's {@code Argon2PasswordHashProviderFactory}: type, version,
     * hashLength, memory, iterations, parallelism, cpuCores).
     */
    static List<String> argon2Options(int[] argon2) {
        return List.of("--spi-password-hashing--argon2--memory=" + argon2[0],
                "--spi-password-hashing--argon2--iterations=" + argon2[1],
                "--spi-password-hashing--argon2--parallelism=" + argon2[2]);
    }

    /** Creates the realm and reads it back; fails when a setting that would change the measurement is not as set. */
    void createRealm(int[] argon2) throws IOException {
        JsonObject realm = new JsonObject();
        realm.addProperty("realm", REALM);
        realm.addProperty("enabled", true);
        realm.addProperty("passwordPolicy", passwordPolicy(argon2));
        realm.addProperty("bruteForceProtected", false);
        realm.addProperty("revokeRefreshToken", false);
        // Sessions idle 30 minutes by default: a long run's pooled refresh tokens must not expire in it.
        realm.addProperty("ssoSessionIdleTimeout", 36_000);
        realm.addProperty("ssoSessionMaxLifespan", 36_000);
        admin("POST", "/admin/realms", realm, 201);
        JsonObject read = admin("GET", "/admin/realms/" + REALM, null, 200).getAsJsonObject();
        expect(read, "passwordPolicy", passwordPolicy(argon2));
        expect(read, "bruteForceProtected", "false");
        expect(read, "revokeRefreshToken", "false");
        for (JsonElement a : admin("GET", "/admin/realms/" + REALM + "/authentication/required-actions", null, 200)
                .getAsJsonArray()) {
            JsonObject action = a.getAsJsonObject();
            if (action.get("enabled").getAsBoolean() && action.has("defaultAction") && action.get("defaultAction").getAsBoolean()) {
                throw new IOException("Keycloak realm: required action " + action.get("alias").getAsString()
                        + " is given to every new user; a password grant would fail");
            }
        }
    }

    /** Creates {@code count} confidential clients (client secret, direct access grants, service accounts). */
    void createClients(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            String id = "bench-" + i;
            String secret = secret();
            JsonObject c = new JsonObject();
            c.addProperty("clientId", id);
            c.addProperty("enabled", true);
            c.addProperty("protocol", "openid-connect");
            c.addProperty("publicClient", false);
            c.addProperty("clientAuthenticatorType", "client-secret");
            c.addProperty("secret", secret);
            c.addProperty("standardFlowEnabled", false);
            c.addProperty("directAccessGrantsEnabled", true);
            c.addProperty("serviceAccountsEnabled", true);
            admin("POST", "/admin/realms/" + REALM + "/clients", c, 201);
            clients.add(new String[] {id, secret});
        }
    }

    /**
     * Creates {@code count} users with a password (profile complete, email verified, no required action), and
     * reads each one's stored password credential back: the run stops unless it is Argon2id at exactly
     * {@code argon2}.
     */
    void createUsers(int count, int[] argon2) throws IOException {
        for (int i = 0; i < count; i++) {
            String username = "bench-" + i;
            String password = "bench-" + secret();
            JsonObject u = new JsonObject();
            u.addProperty("username", username);
            u.addProperty("email", username + "@example.com");
            u.addProperty("firstName", "Bench");
            u.addProperty("lastName", "User " + i);
            u.addProperty("enabled", true);
            u.addProperty("emailVerified", true);
            JsonObject credential = new JsonObject();
            credential.addProperty("type", "password");
            credential.addProperty("value", password);
            credential.addProperty("temporary", false);
            JsonArray credentials = new JsonArray();
            credentials.add(credential);
            u.add("credentials", credentials);
            admin("POST", "/admin/realms/" + REALM + "/users", u, 201);
            JsonArray found = admin("GET", "/admin/realms/" + REALM + "/users?exact=true&username=" + username, null, 200)
                    .getAsJsonArray();
            if (found.size() != 1) {
                throw new IOException("Keycloak: user " + username + " not found after creating it");
            }
            JsonObject user = found.get(0).getAsJsonObject();
            if (user.has("requiredActions") && !user.getAsJsonArray("requiredActions").isEmpty()) {
                throw new IOException("Keycloak: user " + username + " has required actions " + user.get("requiredActions"));
            }
            verifiedHashes.add(checkHash(user.get("id").getAsString(), argon2));
            users.add(new String[] {username, password});
        }
    }

    /**
     * The stored credential's algorithm and cost, from the admin API's credential list (its credentialData:
     * {@code {"hashIterations":5,"algorithm":"argon2","additionalParameters":{"memory":["7168"],...}}}).
     */
    private String checkHash(String userId, int[] argon2) throws IOException {
        JsonObject password = null;
        for (JsonElement c : admin("GET", "/admin/realms/" + REALM + "/users/" + userId + "/credentials", null, 200)
                .getAsJsonArray()) {
            if (c.getAsJsonObject().get("type").getAsString().equals("password")) {
                password = c.getAsJsonObject();
            }
        }
        if (password == null) {
            throw new IOException("Keycloak: the user has no password credential");
        }
        JsonObject data = gson.fromJson(password.get("credentialData").getAsString(), JsonObject.class);
        JsonObject params = data.getAsJsonObject("additionalParameters");
        Map<String, String> actual = new LinkedHashMap<>();
        actual.put("algorithm", data.get("algorithm").getAsString());
        actual.put("type", first(params, "type"));
        actual.put("version", first(params, "version"));
        actual.put("memory", first(params, "memory"));
        actual.put("iterations", data.get("hashIterations").getAsString());
        actual.put("parallelism", first(params, "parallelism"));
        actual.put("hashLength", first(params, "hashLength"));
        Map<String, String> wanted = new LinkedHashMap<>();
        wanted.put("algorithm", "argon2");
        wanted.put("type", "id");
        wanted.put("version", "1.3");
        wanted.put("memory", Integer.toString(argon2[0]));
        wanted.put("iterations", Integer.toString(argon2[1]));
        wanted.put("parallelism", Integer.toString(argon2[2]));
        wanted.put("hashLength", "32");
        if (!actual.equals(wanted)) {
            throw new IOException("Keycloak stored the password hash as " + actual + ", not " + wanted
                    + ": the two servers would not hash at the same cost");
        }
        return actual.toString();
    }

    /** Opens {@code count} sessions by password grant (client bench-0), the users in turn; keeps the refresh tokens. */
    void openSessions(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            String[] u = users.get(i % users.size());
            JsonObject answer = token(passwordGrant(u), 200);
            refreshTokens.add(answer.get("refresh_token").getAsString());
        }
    }

    /**
     * Checks each grant once before measuring, so a misconfiguration fails the run at once instead of
     * showing up as a window full of errors: a password grant, a refresh with a pooled token (twice, which
     * proves the token is reusable), a client-credentials grant.
     */
    void checkGrants() throws IOException {
        token(passwordGrant(users.get(0)), 200);
        token(refreshGrant(refreshTokens.get(0)), 200);
        token(refreshGrant(refreshTokens.get(0)), 200);
        token(clientCredentialsGrant(clients.get(clients.size() - 1)), 200);
    }

    Scenario scenario(String name) {
        List<Request> requests = switch (name) {
            case "password grant" -> users.stream().map(this::passwordGrant).toList();
            case "refresh-token grant" -> refreshTokens.stream().map(this::refreshGrant).toList();
            case "client-credentials grant" -> clients.stream().map(this::clientCredentialsGrant).toList();
            default -> throw new IllegalArgumentException("unknown Keycloak scenario " + name);
        };
        return new Scenario(name, requests, 200, "access_token");
    }

    int users() {
        return users.size();
    }

    int clients() {
        return clients.size();
    }

    int sessions() {
        return refreshTokens.size();
    }

    /** One user's stored hash parameters, as read back (they are the same for every user, or the run stopped). */
    String verifiedHash() {
        return verifiedHashes.isEmpty() ? "none" : verifiedHashes.get(0) + " (all " + verifiedHashes.size() + " users)";
    }

    private Request passwordGrant(String[] user) {
        String[] c = clients.get(0);
        return tokenRequest(new FormBody.Builder().add("grant_type", "password").add("client_id", c[0])
                .add("client_secret", c[1]).add("username", user[0]).add("password", user[1]).build());
    }

    private Request refreshGrant(String refreshToken) {
        String[] c = clients.get(0);
        return tokenRequest(new FormBody.Builder().add("grant_type", "refresh_token").add("client_id", c[0])
                .add("client_secret", c[1]).add("refresh_token", refreshToken).build());
    }

    private Request clientCredentialsGrant(String[] c) {
        return tokenRequest(new FormBody.Builder().add("grant_type", "client_credentials").add("client_id", c[0])
                .add("client_secret", c[1]).build());
    }

    private Request tokenRequest(FormBody form) {
        return new Request.Builder().url(base + "/realms/" + REALM + "/protocol/openid-connect/token").post(form).build();
    }

    private JsonObject token(Request request, int expected) throws IOException {
        try (Response r = client.newCall(request).execute()) {
            byte[] body = r.body().bytes();
            if (r.code() != expected || !AnswerCheck.hasField(body, "access_token")) {
                throw new IOException("Keycloak setup: the token endpoint answered " + r.code() + ": " + AnswerCheck.redacted(body));
            }
            return gson.fromJson(new String(body, java.nio.charset.StandardCharsets.UTF_8), JsonObject.class);
        }
    }

    private JsonElement admin(String method, String path, JsonObject body, int expected) throws IOException {
        Request.Builder b = new Request.Builder().url(base + path).header("Authorization", "Bearer " + adminToken());
        b.method(method, body == null ? null : RequestBody.create(gson.toJson(body), JSON));
        try (Response r = client.newCall(b.build()).execute()) {
            byte[] answer = r.body().bytes();
            if (r.code() != expected) {
                throw new IOException("Keycloak admin API: " + method + " " + path.replaceFirst("\\?.*", "") + " answered "
                        + r.code() + " (expected " + expected + "): " + AnswerCheck.redacted(answer));
            }
            return answer.length == 0 ? new JsonObject()
                    : gson.fromJson(new String(answer, java.nio.charset.StandardCharsets.UTF_8), JsonElement.class);
        }
    }

    /** The bootstrap admin's access token from the master realm (it lives 60 s there, so it is renewed every 30 s). */
    private String adminToken() throws IOException {
        if (adminToken == null || System.nanoTime() - adminTokenAt > ADMIN_TOKEN_REUSE.toNanos()) {
            Request r = new Request.Builder().url(base + "/realms/master/protocol/openid-connect/token")
                    .post(new FormBody.Builder().add("grant_type", "password").add("client_id", "admin-cli")
                            .add("username", adminUser).add("password", adminPassword).build()).build();
            adminToken = token(r, 200).get("access_token").getAsString();
            adminTokenAt = System.nanoTime();
        }
        return adminToken;
    }

    private static void expect(JsonObject o, String field, String wanted) throws IOException {
        String actual = o.has(field) ? o.get(field).getAsString() : "(absent)";
        if (!actual.equals(wanted)) {
            throw new IOException("Keycloak realm: " + field + " is " + actual + ", not " + wanted);
        }
    }

    private static String first(JsonObject params, String name) {
        return params != null && params.has(name) ? params.getAsJsonArray(name).get(0).getAsString() : "(absent)";
    }

    private String secret() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
