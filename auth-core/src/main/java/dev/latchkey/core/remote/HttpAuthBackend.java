package dev.latchkey.core.remote;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.latchkey.api.ApiKey;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.EmailPasswordAuth;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.Profile;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.Session;
import dev.latchkey.api.UserInfo;
import dev.latchkey.api.UserType;
import dev.latchkey.core.client.AuthBackend;
import dev.latchkey.core.client.SessionTokens;
import dev.latchkey.core.engine.DaemonThreads;
import dev.latchkey.core.json.JsonTrees;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;

/**
 * An {@code auth-server} (or any server of the MongoDB Atlas App Services client API) as the
 * backend of a client app, over HTTP with OkHttp. Built by
 * {@code Latchkey.app(appId).baseUrl(url)}; an application rarely names this class.
 *
 * <p>Routes: {@code GET .../app/<appId>/location} once, then against its {@code hostname}: log-in
 * and linking ({@code POST .../auth/providers/<type>/login}, {@code ?link=true}), the profile,
 * the session ({@code POST}/{@code DELETE .../auth/session} with the refresh token), self-delete,
 * API keys (with the refresh token, as App Services wants) and the {@code local-userpass} routes.
 * A log-in fetches the profile at once, as the Realm SDKs do; a refresh reads the new access
 * token's {@code user_data} claim for the custom data and leaves identities and profile as the
 * last log-in or link saw them.
 *
 * <p>Thread-safe; keeps no user state: refreshing and retrying a refused token is the app's job.
 */
public final class HttpAuthBackend implements AuthBackend {
    private static final Pattern APP_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final int MAX_PROFILE_FIELD = 2048;
    private static final int MAX_IDENTITIES = 256;
    private static final int MAX_API_KEYS = 10_000;

    private final AppServicesHttp http;
    private final ExecutorService worker = Executors.newCachedThreadPool(DaemonThreads.named("latchkey-remote"));
    private final RemoteEmailPasswordAuth emailPassword;

    /**
     * A backend for an app of a server. Nothing is sent until the first call, so an app built
     * over it starts offline.
     *
     * @param appId the app's id on the server (1-64 letters, digits, '_', '-' or '.', not '.' or '..')
     * @param baseUrl the server, {@code https://...}; plain {@code http://} only to a loopback address
     * @param timeout the most one exchange with the server may take, 100 ms - 10 minutes
     * @param clock the clock (for an HTTP-date {@code Retry-After})
     * @throws AuthException {@link ErrorCode#CONFIGURATION} naming what is wrong
     */
    public HttpAuthBackend(String appId, String baseUrl, Duration timeout, Clock clock) {
        if (appId == null || !APP_ID.matcher(appId).matches() || appId.equals(".") || appId.equals("..")) {
            throw new AuthException(ErrorCode.CONFIGURATION, "an app id is 1-64 letters, digits, '_', '-' or '.', and not '.' or '..'");
        }
        if (timeout == null || timeout.compareTo(Duration.ofMillis(100)) < 0 || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new AuthException(ErrorCode.CONFIGURATION, "the timeout must be 100 ms - 10 minutes");
        }
        if (clock == null) {
            throw new AuthException(ErrorCode.CONFIGURATION, "a clock is needed");
        }
        HttpUrl base = AppServicesHttp.checkedBaseUrl(baseUrl, "the base URL", ErrorCode.CONFIGURATION);
        this.http = new AppServicesHttp(appId, base, timeout, clock);
        this.emailPassword = new RemoteEmailPasswordAuth(http, worker);
    }

    @Override
    public String appId() {
        return http.appId();
    }

    @Override
    public EmailPasswordAuth emailPassword() {
        return emailPassword;
    }

    @Override
    public Session logIn(Credentials credentials, String deviceId) {
        List<String> secrets = secretsOf(credentials);
        JsonObject answer = Answers.object(http.exchange(Route.LOG_IN, "POST",
                http.appUrl("auth", "providers", credentials.providerType(), "login"), loginBody(credentials, deviceId), null, secrets),
                Route.LOG_IN);
        String userId = Answers.id(answer, "user_id", Route.LOG_IN);
        String accessToken = Tokens.checked(Answers.string(answer, "access_token", Route.LOG_IN, Tokens.MAX_TOKEN_LENGTH),
                "access token", Route.LOG_IN);
        String refreshToken = Tokens.checked(Answers.string(answer, "refresh_token", Route.LOG_IN, Tokens.MAX_TOKEN_LENGTH),
                "refresh token", Route.LOG_IN);
        String sessionDevice = Answers.optionalString(answer, "device_id", Route.LOG_IN, 64);
        if (sessionDevice == null) {
            sessionDevice = deviceId;
        } else if (!DEVICE_ID.matcher(sessionDevice).matches()) {
            throw Answers.bad(Route.LOG_IN, "'device_id' is not 1-64 letters, digits, '_' or '-'");
        }
        try {
            Tokens.Claims claims = ownClaims(accessToken, userId, Route.LOG_IN);
            UserInfo info = profile(accessToken, userId, claims.userData());
            return new Session(info, sessionDevice, claims.sessionId(), accessToken, claims.expiresAt(), refreshToken, null);
        } catch (AuthException e) {
            // The server opened a session the app will never use: do not leave it open.
            try {
                logOut(refreshToken);
            } catch (AuthException ignored) {
                // The first failure is the one to report.
            }
            throw e;
        }
    }

    @Override
    public Session refresh(String refreshToken, UserInfo known) {
        JsonObject answer = Answers.object(http.exchange(Route.REFRESH, "POST", http.authUrl("session"), null, refreshToken,
                List.of(refreshToken)), Route.REFRESH);
        String accessToken = Tokens.checked(Answers.string(answer, "access_token", Route.REFRESH, Tokens.MAX_TOKEN_LENGTH),
                "access token", Route.REFRESH);
        Tokens.Claims claims = ownClaims(accessToken, known.id(), Route.REFRESH);
        UserInfo info = new UserInfo(known.id(), known.type(), known.identities(), known.profile(), checkedData(claims.userData(),
                Route.REFRESH), known.disabled(), known.createdAt());
        return new Session(info, null, claims.sessionId(), accessToken, claims.expiresAt(), refreshToken, null);
    }

    @Override
    public void logOut(String refreshToken) {
        try {
            http.exchange(Route.LOG_OUT, "DELETE", http.authUrl("session"), null, refreshToken, List.of(refreshToken));
        } catch (AuthException e) {
            if (e.code() != ErrorCode.INVALID_SESSION) {
                throw e;
            }
            // The session was over already: logging it out is done.
        }
    }

    @Override
    public UserInfo linkCredentials(SessionTokens tokens, Credentials credentials, UserInfo known) {
        if (credentials.providerType().equals(ProviderTypes.ANONYMOUS)) {
            throw new AuthException(ErrorCode.OPERATION_NOT_ALLOWED, "an anonymous identity cannot be linked to a user");
        }
        List<String> secrets = new ArrayList<>(secretsOf(credentials));
        secrets.add(tokens.accessToken());
        HttpUrl url = http.appUrl("auth", "providers", credentials.providerType(), "login").newBuilder()
                .addQueryParameter("link", "true").build();
        // The answer's tokens, if any, are not used: the session stays the one the app holds.
        http.exchange(Route.LINK, "POST", url, loginBody(credentials, null), tokens.accessToken(), secrets);
        return profile(tokens.accessToken(), known.id(), known.customData());
    }

    @Override
    public void deleteUser(SessionTokens tokens) {
        http.exchange(Route.DELETE_USER, "DELETE", http.authUrl("delete"), null, tokens.accessToken(), List.of(tokens.accessToken()));
    }

    @Override
    public void endAnonymousUser(String userId, SessionTokens tokens) {
        try {
            try {
                deleteUser(tokens);
            } catch (AuthException e) {
                if (e.code() != ErrorCode.INVALID_SESSION) {
                    throw e;
                }
                // The access token had expired: one new one, straight from the session, to delete with.
                String fresh = refresh(tokens.refreshToken(), placeholder(userId)).accessToken();
                deleteUser(new SessionTokens(fresh, tokens.refreshToken()));
            }
        } catch (AuthException e) {
            // Deleting failed: at least end the session, so the refresh token stops working.
            try {
                logOut(tokens.refreshToken());
            } catch (AuthException ignored) {
                // The first failure is the one to report.
            }
            throw e;
        }
    }

    @Override
    public ApiKey createApiKey(SessionTokens tokens, String name) {
        if (name == null || name.isBlank()) {
            throw new AuthException(ErrorCode.INVALID_PARAMETER, "an API key needs a name");
        }
        JsonObject body = new JsonObject();
        body.addProperty("name", name);
        JsonObject answer = Answers.object(http.exchange(Route.API_KEY_CREATE, "POST", http.authUrl("api_keys"), body,
                tokens.refreshToken(), List.of(tokens.refreshToken())), Route.API_KEY_CREATE);
        return apiKey(answer, Route.API_KEY_CREATE, true);
    }

    @Override
    public ApiKey fetchApiKey(SessionTokens tokens, String id) {
        JsonObject answer = Answers.object(http.exchange(Route.API_KEY_GET, "GET", http.authUrl("api_keys", keyId(id)), null,
                tokens.refreshToken(), List.of(tokens.refreshToken())), Route.API_KEY_GET);
        return apiKey(answer, Route.API_KEY_GET, false);
    }

    @Override
    public List<ApiKey> fetchApiKeys(SessionTokens tokens) {
        JsonElement answer = http.exchange(Route.API_KEY_LIST, "GET", http.authUrl("api_keys"), null, tokens.refreshToken(),
                List.of(tokens.refreshToken()));
        if (answer == null || !answer.isJsonArray()) {
            throw Answers.bad(Route.API_KEY_LIST, "not a JSON array");
        }
        JsonArray array = answer.getAsJsonArray();
        if (array.size() > MAX_API_KEYS) {
            throw Answers.bad(Route.API_KEY_LIST, "more than " + MAX_API_KEYS + " keys");
        }
        List<ApiKey> keys = new ArrayList<>(array.size());
        for (JsonElement element : array) {
            keys.add(apiKey(Answers.object(element, Route.API_KEY_LIST), Route.API_KEY_LIST, false));
        }
        return List.copyOf(keys);
    }

    @Override
    public void enableApiKey(SessionTokens tokens, String id, boolean enabled) {
        Route route = enabled ? Route.API_KEY_ENABLE : Route.API_KEY_DISABLE;
        http.exchange(route, "PUT", http.authUrl("api_keys", keyId(id), enabled ? "enable" : "disable"), null,
                tokens.refreshToken(), List.of(tokens.refreshToken()));
    }

    @Override
    public void deleteApiKey(SessionTokens tokens, String id) {
        http.exchange(Route.API_KEY_DELETE, "DELETE", http.authUrl("api_keys", keyId(id)), null, tokens.refreshToken(),
                List.of(tokens.refreshToken()));
    }

    @Override
    public void close() {
        worker.shutdown();
        http.close();
    }

    @Override
    public String toString() {
        return "HttpAuthBackend[" + http.appId() + "]";
    }

    // --- reading and writing ---

    /** The credentials' payload, plus {@code options.device} as the Realm SDKs send it. */
    private JsonObject loginBody(Credentials credentials, String deviceId) {
        JsonObject body = JsonTrees.toJson(credentials.payload()).getAsJsonObject();
        JsonObject device = new JsonObject();
        if (deviceId != null) {
            device.addProperty("deviceId", deviceId);
        }
        device.addProperty("appId", http.appId());
        device.addProperty("platform", "java");
        device.addProperty("platformVersion", Runtime.version().feature() + "");
        device.addProperty("sdkVersion", "latchkey");
        JsonElement options = body.get("options");
        JsonObject merged = options != null && options.isJsonObject() ? options.getAsJsonObject().deepCopy() : new JsonObject();
        merged.add("device", device);
        body.add("options", merged);
        return body;
    }

    /** The access token's claims; a token of another user than the answer names is refused. */
    private static Tokens.Claims ownClaims(String accessToken, String userId, Route route) {
        Tokens.Claims claims = Tokens.claims(accessToken, route);
        if (claims.subject() != null && !claims.subject().equals(userId)) {
            throw Answers.bad(route, "the access token belongs to another user than the answer names");
        }
        return claims;
    }

    private UserInfo profile(String accessToken, String userId, Map<String, Object> customData) {
        Route route = Route.PROFILE;
        JsonObject answer = Answers.object(http.exchange(route, "GET", http.authUrl("profile"), null, accessToken,
                List.of(accessToken)), route);
        if (!Answers.id(answer, "user_id", route).equals(userId)) {
            throw Answers.bad(route, "'user_id' is another user than the session's");
        }
        JsonElement identitiesElement = answer.get("identities");
        if (identitiesElement == null || !identitiesElement.isJsonArray()) {
            throw Answers.bad(route, "'identities' is not an array");
        }
        JsonArray array = identitiesElement.getAsJsonArray();
        if (array.isEmpty() || array.size() > MAX_IDENTITIES) {
            throw Answers.bad(route, "'identities' must list 1-" + MAX_IDENTITIES + " identities");
        }
        List<Identity> identities = new ArrayList<>();
        for (JsonElement element : array) {
            JsonObject identity = Answers.object(element, route);
            String type = Answers.string(identity, "provider_type", route, 64);
            String subject = Answers.string(identity, "id", route, Identity.MAX_SUBJECT_LENGTH);
            try {
                identities.add(new Identity(type, subject, Profile.EMPTY));
            } catch (AuthException e) {
                throw Answers.bad(route, "an identity has a malformed provider type or id");
            }
        }
        String typeName = Answers.string(answer, "type", route, 16);
        UserType type = switch (typeName) {
            case "normal" -> UserType.NORMAL;
            case "server" -> UserType.SERVER;
            default -> throw Answers.bad(route, "'type' is neither \"normal\" nor \"server\"");
        };
        JsonElement dataElement = answer.get("data");
        JsonObject data = dataElement == null || dataElement.isJsonNull() ? new JsonObject() : Answers.object(dataElement, route);
        Profile profile = Profile.builder()
                .name(profileString(data, "name"))
                .email(profileString(data, "email"))
                .pictureUrl(profileString(data, "picture_url"))
                .firstName(profileString(data, "first_name"))
                .lastName(profileString(data, "last_name"))
                .gender(profileString(data, "gender"))
                .birthday(profileString(data, "birthday"))
                .minAge(age(data, "min_age"))
                .maxAge(age(data, "max_age"))
                .build();
        // The profile does not say when the user was created, nor whether it is disabled (it has a session: no).
        return new UserInfo(userId, type, identities, profile, checkedData(customData, route), false, null);
    }

    private static String profileString(JsonObject data, String field) {
        return Answers.optionalString(data, field, Route.PROFILE, MAX_PROFILE_FIELD);
    }

    /** A number, or a string of digits as App Services sends some profile fields. */
    private static Integer age(JsonObject data, String field) {
        JsonElement e = data.get(field);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (e.isJsonPrimitive() && (e.getAsJsonPrimitive().isNumber() || e.getAsJsonPrimitive().isString())) {
            String text = e.getAsJsonPrimitive().getAsString();
            if (text.matches("[0-9]{1,3}")) {
                return Integer.valueOf(text);
            }
        }
        throw Answers.bad(Route.PROFILE, "'" + field + "' is not an age");
    }

    /** Custom data the user model takes (JSON values, bounded): else the answer is unusable. */
    private static Map<String, Object> checkedData(Map<String, Object> data, Route route) {
        try {
            return new UserInfo("check", UserType.NORMAL, List.of(), Profile.EMPTY, data, false, null).customData();
        } catch (AuthException e) {
            throw Answers.bad(route, "the custom data ('user_data') is not acceptable");
        }
    }

    private static ApiKey apiKey(JsonObject answer, Route route, boolean withValue) {
        String id = Answers.id(answer, "_id", route);
        String name = Answers.string(answer, "name", route, 1024);
        boolean disabled = Answers.bool(answer, "disabled", route);
        String value = null;
        if (withValue) {
            value = Tokens.checked(Answers.string(answer, "key", route, Tokens.MAX_TOKEN_LENGTH), "key", route);
        }
        return new ApiKey(id, name, !disabled, null, value);
    }

    /** A key id as a path segment: '.' and '..' would move up the path rather than name a key. */
    private static String keyId(String id) {
        if (id == null || id.isBlank()) {
            throw new AuthException(ErrorCode.INVALID_PARAMETER, "an API key id must not be blank");
        }
        if (id.equals(".") || id.equals("..") || id.length() > 256) {
            throw new AuthException(ErrorCode.API_KEY_NOT_FOUND, "no API key has that id");
        }
        return id;
    }

    private static UserInfo placeholder(String userId) {
        return new UserInfo(userId, UserType.NORMAL, List.of(), Profile.EMPTY, Map.of(), false, null);
    }

    /** Every string of the payload: what must not come back in a message if the server echoes it. */
    private static List<String> secretsOf(Credentials credentials) {
        List<String> secrets = new ArrayList<>();
        collect(credentials.payload(), secrets);
        return secrets;
    }

    private static void collect(Object value, Collection<String> into) {
        if (value instanceof String s) {
            into.add(s);
        } else if (value instanceof Map<?, ?> map) {
            map.values().forEach(v -> collect(v, into));
        } else if (value instanceof List<?> list) {
            list.forEach(v -> collect(v, into));
        }
    }
}
