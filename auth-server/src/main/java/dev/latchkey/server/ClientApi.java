package dev.latchkey.server;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.latchkey.api.ApiKey;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.EmailPasswordAuth;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.Profile;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.Session;
import dev.latchkey.api.UserInfo;
import dev.latchkey.api.VerifiedToken;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The routes: the App Services client API ({@code /api/client/v2.0/...}, paths and JSON field
 * names as the Realm SDKs send and read them) and what the server adds ({@code /.well-known/...},
 * {@code /health}). Works on {@link ApiRequest}s; the Jetty handler around it does transport,
 * CORS, headers and the access log.
 */
final class ClientApi {
    static final String PREFIX = "/api/client/v2.0";
    /** App Services' "no device": the Realm Web SDK sends it before the server gave it an id. */
    private static final String NO_DEVICE = "000000000000000000000000";
    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final Gson GSON = new Gson();

    private final AuthService engine;
    private final PublicUrls urls;
    private final String issuer;

    ClientApi(AuthService engine, PublicUrls urls, String issuer) {
        this.engine = engine;
        this.urls = urls;
        this.issuer = issuer;
    }

    /**
     * Answers a request.
     *
     * @throws AuthException or {@link ApiError}: the handler turns both into error responses
     */
    ApiResponse handle(ApiRequest request) {
        List<String> s = segments(request.path());
        if (s.equals(List.of("health"))) {
            return only(request, "GET", () -> ApiResponse.json(200, "{\"status\":\"ok\"}"));
        }
        if (s.equals(List.of(".well-known", "jwks.json"))) {
            return only(request, "GET", () -> ApiResponse.json(200, engine.jwks())
                    .withHeader("Cache-Control", "public, max-age=300"));
        }
        if (s.equals(List.of(".well-known", "openid-configuration"))) {
            return only(request, "GET", () -> discovery(request));
        }
        if (s.size() < 4 || !s.get(0).equals("api") || !s.get(1).equals("client") || !s.get(2).equals("v2.0")) {
            throw ApiError.notFound("no such route");
        }
        List<String> rest = s.subList(3, s.size());
        if (rest.get(0).equals("app") && rest.size() >= 3) {
            if (!rest.get(1).equals(engine.appId())) {
                throw ApiError.notFound("no app with that id is served here");
            }
            return app(request, rest.subList(2, rest.size()));
        }
        if (rest.get(0).equals("auth")) {
            return auth(request, rest.subList(1, rest.size()));
        }
        throw ApiError.notFound("no such route");
    }

    // ---- /api/client/v2.0/app/{appId}/...

    private ApiResponse app(ApiRequest request, List<String> s) {
        if (s.equals(List.of("location"))) {
            return only(request, "GET", () -> location(request));
        }
        if (s.size() >= 4 && s.get(0).equals("auth") && s.get(1).equals("providers")) {
            String provider = s.get(2);
            if (!ProviderTypes.isWellFormed(provider)) {
                // Never echoed: it came from outside and may be anything (a path, control characters).
                throw new AuthException(ErrorCode.PROVIDER_NOT_FOUND, "no authentication provider with that name");
            }
            List<String> action = s.subList(3, s.size());
            if (action.equals(List.of("login"))) {
                return only(request, "POST", () -> logIn(request, provider));
            }
            if (provider.equals(ProviderTypes.EMAIL_PASSWORD)) {
                String name = String.join("/", action);
                if (List.of("register", "confirm", "confirm/send", "confirm/call", "reset", "reset/send", "reset/call")
                        .contains(name)) {
                    return only(request, "POST", () -> emailPassword(request, name));
                }
            }
        }
        throw ApiError.notFound("no such route");
    }

    private ApiResponse location(ApiRequest request) {
        String base = urls.baseFor(request.header("host"));
        JsonObject body = new JsonObject();
        body.addProperty("deployment_model", "LOCAL");
        body.addProperty("location", "latchkey");
        body.addProperty("hostname", base);
        body.addProperty("ws_hostname", PublicUrls.websocket(base));
        return ApiResponse.json(200, body.toString());
    }

    private ApiResponse logIn(ApiRequest request, String provider) {
        JsonObject body = RequestJson.object(request);
        String deviceId = deviceId(body.remove("options"));
        Credentials credentials = Credentials.of(provider, RequestJson.toMap(body));
        if ("true".equals(request.query().get("link"))) {
            String accessToken = bearer(request);
            VerifiedToken token = verified(accessToken);
            UserInfo user = engine.linkCredentials(accessToken, credentials);
            JsonObject answer = new JsonObject();
            // The engine's link keeps the session: the presented access token stays valid and carries
            // the same claims, so it is the answer (the Realm SDKs only replace their access token).
            answer.addProperty("access_token", accessToken);
            answer.addProperty("user_id", user.id());
            answer.addProperty("device_id", token.deviceId());
            return ApiResponse.json(200, answer.toString());
        }
        // The throttle's source is the client as the server's own limits count it (an IPv6 /64 is one
        // client): with the bare address, a host would take a fresh address of its /64 for each guess.
        Session session = engine.logIn(credentials, deviceId, RequestLimits.clientKey(request.clientAddress()));
        JsonObject answer = new JsonObject();
        answer.addProperty("access_token", session.accessToken());
        answer.addProperty("refresh_token", session.refreshToken());
        answer.addProperty("user_id", session.user().id());
        answer.addProperty("device_id", session.deviceId());
        return ApiResponse.json(200, answer.toString());
    }

    /** {@code options.device.deviceId}, a string or an Extended JSON {@code $oid}; absent or App Services' zero id is a new device. */
    private static String deviceId(JsonElement options) {
        if (!(options instanceof JsonObject o) || !(o.get("device") instanceof JsonObject device)) {
            return null;
        }
        Object id = RequestJson.toValue(device.get("deviceId"));
        if (!(id instanceof String text) || text.equals(NO_DEVICE)) {
            return null;
        }
        if (!DEVICE_ID.matcher(text).matches()) {
            throw new AuthException(ErrorCode.INVALID_PARAMETER, "a device id is 1-64 letters, digits, '_' or '-'");
        }
        return text;
    }

    private ApiResponse emailPassword(ApiRequest request, String action) {
        JsonObject body = RequestJson.object(request);
        EmailPasswordAuth accounts = engine.emailPassword();
        switch (action) {
            case "register" -> {
                accounts.registerUser(RequestJson.string(body, "email"), RequestJson.string(body, "password"));
                return ApiResponse.empty(201);
            }
            case "confirm" -> accounts.confirmUser(RequestJson.string(body, "token"), RequestJson.string(body, "tokenId"));
            case "confirm/send" -> accounts.resendConfirmationEmail(RequestJson.string(body, "email"));
            case "confirm/call" -> accounts.retryCustomConfirmation(RequestJson.string(body, "email"));
            case "reset" -> accounts.resetPassword(RequestJson.string(body, "token"), RequestJson.string(body, "tokenId"),
                    RequestJson.string(body, "password"));
            case "reset/send" -> accounts.sendResetPasswordEmail(RequestJson.string(body, "email"));
            case "reset/call" -> accounts.callResetPasswordFunction(RequestJson.string(body, "email"),
                    RequestJson.string(body, "password"), functionArguments(body.get("arguments")));
            default -> throw ApiError.notFound("no such route");
        }
        return ApiResponse.empty(204);
    }

    private static Object[] functionArguments(JsonElement arguments) {
        if (arguments == null || arguments.isJsonNull()) {
            return new Object[0];
        }
        if (!(arguments instanceof JsonArray array)) {
            throw ApiError.badRequest("'arguments' must be a list");
        }
        Object[] args = new Object[array.size()];
        for (int i = 0; i < args.length; i++) {
            args[i] = RequestJson.toValue(array.get(i));
        }
        return args;
    }

    // ---- /api/client/v2.0/auth/...

    private ApiResponse auth(ApiRequest request, List<String> s) {
        if (s.equals(List.of("profile"))) {
            return only(request, "GET", () -> profile(request));
        }
        if (s.equals(List.of("session"))) {
            return switch (request.method()) {
                case "POST" -> {
                    Session session = engine.refresh(bearer(request));
                    JsonObject answer = new JsonObject();
                    answer.addProperty("access_token", session.accessToken());
                    yield ApiResponse.json(201, answer.toString());
                }
                case "DELETE" -> {
                    engine.logOut(bearer(request));
                    yield ApiResponse.empty(204);
                }
                default -> throw notAllowed("POST, DELETE");
            };
        }
        if (s.equals(List.of("delete"))) {
            return only(request, "DELETE", () -> {
                engine.deleteUser(verified(bearer(request)).userId());
                return ApiResponse.empty(204);
            });
        }
        if (!s.isEmpty() && s.get(0).equals("api_keys")) {
            return apiKeys(request, s.subList(1, s.size()));
        }
        throw ApiError.notFound("no such route");
    }

    private ApiResponse profile(ApiRequest request) {
        VerifiedToken token = verified(bearer(request));
        UserInfo user = engine.findUser(token.userId())
                .orElseThrow(() -> new AuthException(ErrorCode.INVALID_SESSION, "the user no longer exists"));
        JsonObject answer = new JsonObject();
        answer.addProperty("user_id", user.id());
        answer.addProperty("domain_id", engine.appId());
        JsonArray identities = new JsonArray();
        for (Identity identity : user.identities()) {
            JsonObject i = new JsonObject();
            i.addProperty("id", identity.subject());
            i.addProperty("provider_type", identity.providerType());
            identities.add(i);
        }
        answer.add("identities", identities);
        answer.add("data", profileData(user.profile()));
        answer.addProperty("type", user.type().name().toLowerCase(Locale.ROOT));
        return ApiResponse.json(200, answer.toString());
    }

    /**
     * App Services' {@code data}: snake_case fields, every value a string (the Realm Web SDK keeps
     * only strings). The picture is sent as {@code picture} (what realm-web reads) and
     * {@code picture_url} (what Realm Core reads). Provider extras follow, never replacing a field.
     */
    static JsonObject profileData(Profile p) {
        JsonObject data = new JsonObject();
        put(data, "name", p.name());
        put(data, "email", p.email());
        put(data, "picture", p.pictureUrl());
        put(data, "picture_url", p.pictureUrl());
        put(data, "first_name", p.firstName());
        put(data, "last_name", p.lastName());
        put(data, "gender", p.gender());
        put(data, "birthday", p.birthday());
        put(data, "min_age", p.minAge() == null ? null : p.minAge().toString());
        put(data, "max_age", p.maxAge() == null ? null : p.maxAge().toString());
        for (Map.Entry<String, String> e : p.extras().entrySet()) {
            if (!data.has(e.getKey())) {
                put(data, e.getKey(), e.getValue());
            }
        }
        return data;
    }

    private static void put(JsonObject data, String key, String value) {
        if (value != null) {
            data.add(key, new JsonPrimitive(value));
        }
    }

    private ApiResponse apiKeys(ApiRequest request, List<String> s) {
        if (s.isEmpty()) {
            return switch (request.method()) {
                case "POST" -> {
                    String userId = refreshUser(request);
                    String name = RequestJson.string(RequestJson.object(request), "name");
                    yield ApiResponse.json(201, key(engine.apiKeys(userId).create(name)).toString());
                }
                case "GET" -> {
                    JsonArray keys = new JsonArray();
                    for (ApiKey k : engine.apiKeys(refreshUser(request)).fetchAll()) {
                        keys.add(key(k));
                    }
                    yield ApiResponse.json(200, keys.toString());
                }
                default -> throw notAllowed("GET, POST");
            };
        }
        String id = s.get(0);
        if (!KEY_ID.matcher(id).matches()) {
            throw new AuthException(ErrorCode.API_KEY_NOT_FOUND, "no API key with that id");
        }
        if (s.size() == 1) {
            return switch (request.method()) {
                case "GET" -> ApiResponse.json(200, key(engine.apiKeys(refreshUser(request)).fetch(id)).toString());
                case "DELETE" -> {
                    engine.apiKeys(refreshUser(request)).delete(id);
                    yield ApiResponse.empty(204);
                }
                default -> throw notAllowed("GET, DELETE");
            };
        }
        if (s.size() == 2 && (s.get(1).equals("enable") || s.get(1).equals("disable"))) {
            return only(request, "PUT", () -> {
                if (s.get(1).equals("enable")) {
                    engine.apiKeys(refreshUser(request)).enable(id);
                } else {
                    engine.apiKeys(refreshUser(request)).disable(id);
                }
                return ApiResponse.empty(204);
            });
        }
        throw ApiError.notFound("no such route");
    }

    /** App Services' API key: {@code _id}, {@code name}, {@code disabled}, and {@code key} only at creation. */
    private static JsonObject key(ApiKey key) {
        JsonObject o = new JsonObject();
        o.addProperty("_id", key.id());
        if (key.value() != null) {
            o.addProperty("key", key.value());
        }
        o.addProperty("name", key.name());
        o.addProperty("disabled", !key.enabled());
        return o;
    }

    /** API-key routes take the refresh token, as in App Services; the user is the session's. */
    private String refreshUser(ApiRequest request) {
        return engine.refresh(bearer(request)).user().id();
    }

    // ---- beyond App Services

    private ApiResponse discovery(ApiRequest request) {
        String base = urls.baseFor(request.header("host"));
        JsonObject doc = new JsonObject();
        doc.addProperty("issuer", issuer);
        doc.addProperty("jwks_uri", base + "/.well-known/jwks.json");
        doc.add("id_token_signing_alg_values_supported", GSON.toJsonTree(List.of("RS256")));
        doc.add("subject_types_supported", GSON.toJsonTree(List.of("public")));
        doc.add("response_types_supported", GSON.toJsonTree(List.of("token")));
        doc.add("claims_supported", GSON.toJsonTree(List.of("iss", "aud", "sub", "iat", "exp", "jti", "user_data")));
        return ApiResponse.json(200, doc.toString()).withHeader("Cache-Control", "public, max-age=300");
    }

    // ---- helpers

    private VerifiedToken verified(String accessToken) {
        try {
            return engine.verify(accessToken);
        } catch (AuthException e) {
            if (e.code() == ErrorCode.MALFORMED) {
                // Over HTTP an unreadable access token is a session the client must renew: 401, so a
                // Realm SDK refreshes once, as it does for an expired one.
                throw new AuthException(ErrorCode.INVALID_SESSION, "invalid access token: " + e.getMessage());
            }
            throw e;
        }
    }

    /** The token of {@code Authorization: Bearer <token>}. */
    static String bearer(ApiRequest request) {
        String header = request.header("authorization");
        if (header != null) {
            String h = header.strip();
            if (h.length() > 7 && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
                String token = h.substring(7).strip();
                if (!token.isEmpty()) {
                    return token;
                }
            }
        }
        throw new AuthException(ErrorCode.INVALID_SESSION, "this route needs 'Authorization: Bearer <token>'");
    }

    private static ApiResponse only(ApiRequest request, String method, java.util.function.Supplier<ApiResponse> route) {
        if (!request.method().equals(method)) {
            throw notAllowed(method);
        }
        return route.get();
    }

    private static ApiError notAllowed(String allowed) {
        return new ApiError(405, "MethodNotAllowed", "method not allowed; this route takes " + allowed,
                Map.of("Allow", allowed));
    }

    private static List<String> segments(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() ? List.of() : List.of(p.split("/", -1));
    }
}
