package dev.latchkey.server;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** A real server on 127.0.0.1 with an ephemeral port, and an OkHttp client that speaks to it. */
final class TestServer implements AutoCloseable {
    static final MediaType JSON = MediaType.get("application/json");
    static final String APP = "/api/client/v2.0/app/latchkey";
    static final String AUTH = "/api/client/v2.0/auth";

    final LatchkeyServer server;
    final OkHttpClient http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(30)).build();

    private TestServer(LatchkeyServer server) {
        this.server = server;
    }

    static TestServer start(Path data) {
        return start(ServerOptions.defaults().withPort(0).withDataDirectory(data));
    }

    static TestServer start(Path data, String configJson) {
        return start(ServerOptions.defaults().withPort(0).withDataDirectory(data).withConfigJson(configJson));
    }

    static TestServer start(ServerOptions options) {
        return new TestServer(LatchkeyServer.start(options));
    }

    /** With the clock of the server's rate limits, which the test moves. */
    static TestServer start(ServerOptions options, java.time.Clock clock) {
        return new TestServer(LatchkeyServer.start(options, clock));
    }

    /** What came back: status, headers, and the body as JSON (null when empty). */
    record Reply(int status, Headers headers, String text) {
        JsonElement json() {
            return text.isEmpty() ? null : JsonParser.parseString(text);
        }

        JsonObject object() {
            return json().getAsJsonObject();
        }

        String string(String field) {
            return object().get(field).getAsString();
        }

        String errorCode() {
            return string("error_code");
        }
    }

    Reply call(String method, String path, String json, String bearer) throws IOException {
        Request.Builder b = new Request.Builder().url(server.url() + path);
        RequestBody body = json == null ? (method.equals("POST") || method.equals("PUT") ? RequestBody.create(new byte[0]) : null)
                : RequestBody.create(json, JSON);
        b.method(method, body);
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return send(b.build());
    }

    Reply send(Request request) throws IOException {
        try (Response r = http.newCall(request).execute()) {
            Reply reply = new Reply(r.code(), r.headers(), r.body().string());
            harvestSecrets(reply.text());
            return reply;
        }
    }

    /** Tokens and keys the server hands out are registered for the build-wide secret scan (TestSecrets). */
    private static void harvestSecrets(String text) {
        if (text.isEmpty() || !(text.startsWith("{") || text.startsWith("["))) {
            return;
        }
        JsonElement json;
        try {
            json = JsonParser.parseString(text);
        } catch (RuntimeException e) {
            return;   // not JSON: an error page, or a test of garbage; nothing handed out
        }
        if (json.isJsonObject()) {
            JsonObject object = json.getAsJsonObject();
            for (String field : new String[] {"access_token", "refresh_token", "key"}) {
                JsonElement value = object.get(field);
                if (value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()) {
                    dev.latchkey.testkit.log.TestSecrets.register("a " + field + " the server answered", value.getAsString());
                }
            }
        }
    }

    Reply get(String path, String bearer) throws IOException {
        return call("GET", path, null, bearer);
    }

    Reply post(String path, String json) throws IOException {
        return call("POST", path, json, null);
    }

    Reply logIn(String provider, String payload) throws IOException {
        return post(APP + "/auth/providers/" + provider + "/login", payload);
    }

    static String emailPassword(String email, String password) {
        JsonObject o = new JsonObject();
        o.addProperty("username", email);
        o.addProperty("password", password);
        return o.toString();
    }

    @Override
    public void close() {
        server.close();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
