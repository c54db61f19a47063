package dev.latchkey.testkit.remote;

import com.google.gson.JsonObject;
import dev.latchkey.api.ApiKey;
import dev.latchkey.api.ApiKeyAuth;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.Session;
import dev.latchkey.api.UserInfo;
import dev.latchkey.core.json.JsonTrees;
import dev.latchkey.testkit.fake.BackendRequest;
import dev.latchkey.testkit.fake.JsonEndpointBackend;
import dev.latchkey.testkit.fake.JsonReply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * An App Services client API on a real loopback socket, answering from a real in-process engine:
 * the routes the HTTP client calls, with App Services' JSON and error shapes. A test can make it
 * refuse chosen access tokens with 401 (as a server does whose session store lost them), make
 * every failure of {@link JsonEndpointBackend}, and replace any route to answer something hostile.
 */
final class FakeAppServices extends JsonEndpointBackend {
    static final String PREFIX = "/api/client/v2.0";
    final String appId;
    final AuthService engine;
    private final Set<String> refusedAccessTokens = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean refuseEveryAccessToken = new AtomicBoolean();

    FakeAppServices(AuthService engine) {
        this.engine = engine;
        this.appId = engine.appId();
        route(appPath("location"), request -> {
            String base = url("/").replaceAll("/$", "");
            return JsonReply.ok(Map.of("deployment_model", "GLOBAL", "location", "local", "hostname", base,
                    "ws_hostname", base.replace("http", "ws")));
        });
        for (String type : List.of("anon-user", "api-key", CodeIdp.TYPE, "local-userpass")) {
            route(appPath("auth/providers/" + type + "/login"), request -> logIn(type, request));
        }
        route(PREFIX + "/auth/profile", request -> withAccessToken(request, token -> JsonReply.ok(profile(token))));
        route(PREFIX + "/auth/session", this::session);
        route(PREFIX + "/auth/delete", request -> withAccessToken(request, token -> {
            engine.deleteUser(engine.verify(token).userId());
            return JsonReply.ok(Map.of());
        }));
        route(PREFIX + "/auth/api_keys", this::apiKeys);
    }

    String appPath(String rest) {
        return PREFIX + "/app/" + appId + "/" + rest;
    }

    /** From now on, 401 for this access token, whatever the engine thinks of it. */
    void refuseAccessToken(String token) {
        refusedAccessTokens.add(token);
    }

    /** 401 for every access token, new ones included. */
    void refuseEveryAccessToken() {
        refuseEveryAccessToken.set(true);
    }

    long count(String method, String path) {
        return requests().stream().filter(r -> r.method().equals(method) && r.path().equals(path)).count();
    }

    static JsonReply error(AuthException e) {
        int status = switch (e.code()) {
            case INVALID_SESSION, INVALID_CREDENTIALS -> 401;
            case USER_NOT_FOUND, API_KEY_NOT_FOUND, PROVIDER_NOT_FOUND, PROVIDER_DISABLED -> 404;
            case RATE_LIMITED -> 429;
            case INTERNAL, CONFIGURATION -> 500;
            case NETWORK, PROVIDER_BACKEND -> 502;
            default -> 400;
        };
        return JsonReply.status(status, Map.of("error", e.getMessage(), "error_code", e.code().wireName(),
                "link", "http://127.0.0.1/logs"));
    }

    private JsonReply logIn(String type, BackendRequest request) {
        try {
            JsonObject body = request.jsonBody().orElseThrow(() -> new AuthException(ErrorCode.MALFORMED, "no JSON body"));
            JsonObject options = body.has("options") ? body.remove("options").getAsJsonObject() : new JsonObject();
            String deviceId = options.has("device") && options.getAsJsonObject("device").has("deviceId")
                    ? options.getAsJsonObject("device").get("deviceId").getAsString() : null;
            Credentials credentials = Credentials.of(type, JsonTrees.toMap(body));
            if (request.queryParameter("link").orElse("").equals("true")) {
                return withAccessToken(request, token -> {
                    UserInfo user = engine.linkCredentials(token, credentials);
                    return JsonReply.ok(Map.of("user_id", user.id(), "access_token", token));
                });
            }
            Session session = engine.logIn(credentials, deviceId);
            return JsonReply.ok(Map.of("access_token", session.accessToken(), "refresh_token", session.refreshToken(),
                    "user_id", session.user().id(), "device_id", session.deviceId()));
        } catch (AuthException e) {
            return error(e);
        }
    }

    private JsonReply session(BackendRequest request) {
        try {
            String refreshToken = bearer(request);
            if (request.method().equals("DELETE")) {
                engine.logOut(refreshToken);
                return JsonReply.ok(Map.of());
            }
            return JsonReply.status(201, Map.of("access_token", engine.refresh(refreshToken).accessToken()));
        } catch (AuthException e) {
            return error(e);
        }
    }

    private JsonReply apiKeys(BackendRequest request) {
        try {
            ApiKeyAuth keys = keysOf(request);
            if (request.method().equals("POST")) {
                String name = request.jsonBody().map(b -> b.get("name").getAsString()).orElse("");
                ApiKey key = keys.create(name);
                addKeyRoutes(key.id());
                Map<String, Object> answer = new LinkedHashMap<>(keyJson(key));
                answer.put("key", key.value());
                return JsonReply.ok(answer);
            }
            List<Object> all = new ArrayList<>();
            for (ApiKey key : keys.fetchAll()) {
                all.add(keyJson(key));
            }
            return JsonReply.ok(all);
        } catch (AuthException e) {
            return error(e);
        }
    }

    /** Routes for one key: the fake's routes are exact paths, so each key gets its own. */
    void addKeyRoutes(String id) {
        String path = PREFIX + "/auth/api_keys/" + id;
        route(path, request -> {
            try {
                ApiKeyAuth keys = keysOf(request);
                if (request.method().equals("DELETE")) {
                    keys.delete(id);
                    return JsonReply.ok(Map.of());
                }
                return JsonReply.ok(keyJson(keys.fetch(id)));
            } catch (AuthException e) {
                return error(e);
            }
        });
        route(path + "/enable", request -> keyChange(request, keys -> keys.enable(id)));
        route(path + "/disable", request -> keyChange(request, keys -> keys.disable(id)));
    }

    private JsonReply keyChange(BackendRequest request, java.util.function.Consumer<ApiKeyAuth> change) {
        try {
            change.accept(keysOf(request));
            return JsonReply.ok(Map.of());
        } catch (AuthException e) {
            return error(e);
        }
    }

    /** The user of a refresh token, as App Services authenticates the API-key routes. */
    private ApiKeyAuth keysOf(BackendRequest request) {
        return engine.apiKeys(engine.refresh(bearer(request)).user().id());
    }

    private static Map<String, Object> keyJson(ApiKey key) {
        return Map.of("_id", key.id(), "name", key.name(), "disabled", !key.enabled());
    }

    private JsonReply withAccessToken(BackendRequest request, Function<String, JsonReply> call) {
        try {
            String token = bearer(request);
            if (refuseEveryAccessToken.get() || refusedAccessTokens.contains(token)) {
                throw new AuthException(ErrorCode.INVALID_SESSION, "invalid session: access token refused");
            }
            engine.verify(token);
            return call.apply(token);
        } catch (AuthException e) {
            return error(e);
        }
    }

    private Map<String, Object> profile(String accessToken) {
        UserInfo user = engine.findUser(engine.verify(accessToken).userId()).orElseThrow();
        List<Object> identities = new ArrayList<>();
        for (Identity identity : user.identities()) {
            identities.add(Map.of("id", identity.subject(), "provider_type", identity.providerType()));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        if (user.profile().name() != null) {
            data.put("name", user.profile().name());
        }
        if (user.profile().email() != null) {
            data.put("email", user.profile().email());
        }
        if (user.profile().minAge() != null) {
            data.put("min_age", String.valueOf(user.profile().minAge()));
        }
        return Map.of("user_id", user.id(), "identities", identities, "data", data,
                "type", user.type().name().toLowerCase(java.util.Locale.ROOT));
    }

    private static String bearer(BackendRequest request) {
        String header = request.header("Authorization").orElse("");
        if (!header.startsWith("Bearer ")) {
            throw new AuthException(ErrorCode.INVALID_SESSION, "no bearer token");
        }
        return header.substring("Bearer ".length());
    }
}
