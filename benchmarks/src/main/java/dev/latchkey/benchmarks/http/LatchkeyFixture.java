package dev.latchkey.benchmarks.http;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * What the scenarios need on a running auth-server, made through its client API before anything is
 * measured: email/password users (registered, auto-confirmed), sessions (anonymous log-ins, whose refresh
 * and access tokens the refresh and profile scenarios use) and API keys. Then the scenarios themselves.
 */
final class LatchkeyFixture {
    private static final MediaType JSON = MediaType.get("application/json");
    private static final String APP = "latchkey";
    private static final String ACCESS_TOKEN = "access_token";

    private final OkHttpClient client;
    private final Gson gson = new Gson();
    private final String root;
    private final String providers;
    private final int threads;
    private final List<String[]> users = new ArrayList<>();
    private final List<String[]> sessions = new ArrayList<>();
    private final List<String> apiKeys = new ArrayList<>();

    LatchkeyFixture(String baseUrl, Duration requestTimeout, int threads) {
        this.client = new OkHttpClient.Builder().callTimeout(requestTimeout).build();
        this.root = baseUrl + "/api/client/v2.0";
        this.providers = root + "/app/" + APP + "/auth/providers/";
        this.threads = threads;
    }

    /** The configuration the harness gives the server: no rate limit, no log-in throttle, the three providers. */
    static String config(int[] argon2) {
        String hashing = argon2 == null ? ""
                : ", \"passwordHashing\": {\"memoryKib\": %d, \"iterations\": %d, \"parallelism\": %d}"
                        .formatted(argon2[0], argon2[1], argon2[2]);
        // Access tokens live 24 h (not 30 min) so that the profile reads of a long run never meet an expired
        // one; the lifetime changes nothing in the work a request costs.
        return """
                {
                  "server": { "rateLimit": { "enabled": false } },
                  "throttle": { "enabled": false },
                  "tokens": { "accessTokenTtl": "PT24H" },
                  "providers": {
                    "anon-user": { "enabled": true },
                    "api-key": { "enabled": true },
                    "local-userpass": { "enabled": true, "autoConfirm": true%s }
                  }
                }
                """.formatted(hashing);
    }

    /** Registers {@code count} email/password users (one Argon2id hash each). */
    void registerUsers(int count) throws IOException, InterruptedException {
        users.addAll(parallel(count, i -> {
            String email = "bench-" + i + "@example.com";
            String password = "bench-password-" + Integer.toHexString(0x5eed0000 + i * 7919);
            post(providers + "local-userpass/register", null, Map.of("email", email, "password", password), 201);
            return new String[] {email, password};
        }));
    }

    /** Opens {@code count} sessions by anonymous log-in (a new user each); keeps their refresh and access tokens. */
    void openSessions(int count) throws IOException, InterruptedException {
        sessions.addAll(parallel(count, i -> {
            JsonObject s = post(providers + "anon-user/login", null, Map.of(), 200);
            return new String[] {s.get("refresh_token").getAsString(), s.get("access_token").getAsString()};
        }));
    }

    /**
     * Opens {@code count} sessions by email/password log-in of the users registered so far, in turn (one
     * Argon2id verification each); keeps their refresh and access tokens, as {@link #openSessions} does.
     */
    void openPasswordSessions(int count) throws IOException, InterruptedException {
        if (users.isEmpty()) {
            throw new IllegalStateException("register users before opening sessions with their passwords");
        }
        sessions.addAll(parallel(count, i -> {
            String[] u = users.get(i % users.size());
            JsonObject s = post(providers + "local-userpass/login", null, Map.of("username", u[0], "password", u[1]), 200);
            return new String[] {s.get("refresh_token").getAsString(), s.get("access_token").getAsString()};
        }));
    }

    /**
     * Creates {@code count} API keys, 10 per email/password user registered for them (a user may have 20; an
     * anonymous user may have none).
     */
    void createApiKeys(int count) throws IOException, InterruptedException {
        int perUser = 10;
        List<List<String>> made = parallel((count + perUser - 1) / perUser, u -> {
            Map<String, String> owner = Map.of("email", "bench-key-owner-" + u + "@example.com",
                    "password", "bench-password-" + Integer.toHexString(0x0e4e0000 + u * 7919));
            post(providers + "local-userpass/register", null, owner, 201);
            String refresh = post(providers + "local-userpass/login", null,
                    Map.of("username", owner.get("email"), "password", owner.get("password")), 200)
                    .get("refresh_token").getAsString();
            List<String> keys = new ArrayList<>();
            for (int k = 0; k < perUser && u * perUser + k < count; k++) {
                keys.add(post(root + "/auth/api_keys", refresh, Map.of("name", "bench-" + k), 201).get("key").getAsString());
            }
            return keys;
        });
        made.forEach(apiKeys::addAll);
    }

    int users() {
        return users.size();
    }

    int sessions() {
        return sessions.size();
    }

    int apiKeys() {
        return apiKeys.size();
    }

    /** The scenario of a name, with requests built from what this fixture made. */
    Scenario scenario(String name) {
        return switch (name) {
            case "anon-login" -> new Scenario(name, List.of(post(providers + "anon-user/login", null, "{}")), 200, ACCESS_TOKEN);
            case "userpass-login" -> new Scenario(name, users.stream().map(u -> post(providers + "local-userpass/login",
                    null, gson.toJson(Map.of("username", u[0], "password", u[1])))).toList(), 200, ACCESS_TOKEN);
            case "apikey-login" -> new Scenario(name, apiKeys.stream().map(k -> post(providers + "api-key/login", null,
                    gson.toJson(Map.of("key", k)))).toList(), 200, ACCESS_TOKEN);
            case "refresh" -> new Scenario(name, sessions.stream().map(s -> post(root + "/auth/session", s[0], "")).toList(), 201,
                    ACCESS_TOKEN);
            case "profile" -> new Scenario(name, sessions.stream().map(s -> new Request.Builder().url(root + "/auth/profile")
                    .header("Authorization", "Bearer " + s[1]).get().build()).toList(), 200, "user_id");
            default -> throw new IllegalArgumentException("unknown scenario " + name);
        };
    }

    /** Opens {@code count} more sessions by API-key log-in: a session each, no new user (for the memory measurement). */
    void apiKeyLogIns(int count) throws IOException, InterruptedException {
        parallel(count, i -> post(providers + "api-key/login", null, Map.of("key", apiKeys.get(i % apiKeys.size())), 200));
    }

    private Request post(String url, String bearer, String json) {
        Request.Builder b = new Request.Builder().url(url).post(RequestBody.create(json, json.isEmpty() ? null : JSON));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b.build();
    }

    private JsonObject post(String url, String bearer, Map<String, String> body, int expected) throws IOException {
        try (Response r = client.newCall(post(url, bearer, gson.toJson(body))).execute()) {
            String text = r.body().string();
            if (r.code() != expected) {
                // The path, status and error_code only: never a request body or token.
                String code = "";
                try {
                    code = " " + gson.fromJson(text, JsonObject.class).get("error_code").getAsString();
                } catch (RuntimeException e) {
                    // No JSON error body: the status says enough.
                }
                throw new IOException("setup: " + url.replaceFirst("^https?://[^/]+", "") + " answered " + r.code() + code
                        + " (expected " + expected + ")");
            }
            return text.isEmpty() ? new JsonObject() : gson.fromJson(text, JsonObject.class);
        }
    }

    private interface Step<T> {
        T run(int i) throws IOException;
    }

    /** Runs {@code count} steps on this fixture's threads; the first failure fails the whole set-up. */
    private <T> List<T> parallel(int count, Step<T> step) throws IOException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            IntFunction<Future<T>> submit = i -> pool.submit(() -> step.run(i));
            List<Future<T>> futures = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                futures.add(submit.apply(i));
            }
            List<T> results = new ArrayList<>(count);
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException("setup failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
