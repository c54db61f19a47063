package dev.latchkey.server;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.latchkey.api.ApiKey;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.UserInfo;
import dev.latchkey.api.UserPage;
import dev.latchkey.api.UserType;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The admin API, {@code /api/admin/v1/...}: list, read, disable, enable and delete users, end all
 * sessions of a user, create and delete server API keys. JSON in and out, errors in the client
 * API's shape.
 *
 * <p>Every request carries {@code Authorization: Bearer <server.adminKey>}. Without an admin key
 * in the configuration the routes do not exist (404, as any unknown path), so a default server
 * exposes nothing. A missing or wrong key is 401 with {@code WWW-Authenticate: Bearer} and the same
 * message either way, checked before the route is looked at, so a caller without the key learns
 * nothing about the routes. Each request takes a token from its client's admin bucket before the
 * key is checked, and a right key gives it back: an address that sends {@value #FAILURE_BURST}
 * wrong keys is answered 429 without a check until a token comes back (one every six minutes),
 * even when it then sends the right key, so guessing gets no answers at all. The key is never
 * logged; actions that change something are logged with the user's id and the client's address.
 */
final class AdminApi {
    static final String PREFIX = "/api/admin/v1";
    /** Wrong keys an address may send before it is refused. */
    static final int FAILURE_BURST = 10;
    /** How long one wrong key counts against its address. */
    static final Duration FAILURE_REFILL = Duration.ofMinutes(6);
    /** The page size when the request names none. */
    static final int DEFAULT_PAGE_SIZE = 100;
    private static final int FAILURE_TABLE = 10_000;
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9]{1,128}");
    private static final Pattern LIMIT = Pattern.compile("[0-9]{1,7}");
    private static final Logger AUDIT = Logger.getLogger("dev.latchkey.server.admin");

    private final AuthService engine;
    private final AdminKey key;
    private final TokenBuckets failures;

    /**
     * @param engine the engine
     * @param adminKey the configured key, or null: then every admin path is 404
     * @param clock time for the failure throttle
     */
    AdminApi(AuthService engine, String adminKey, Clock clock) {
        this.engine = engine;
        this.key = adminKey == null ? null : new AdminKey(adminKey);
        this.failures = new TokenBuckets("admin key failure throttle", FAILURE_BURST, FAILURE_REFILL, FAILURE_TABLE, clock);
    }

    /** Whether a path is the admin API's ({@code /api/admin} and below), with or without the key configured. */
    static boolean owns(String path) {
        List<String> s = segments(path);
        return s.size() >= 2 && s.get(0).equals("api") && s.get(1).equals("admin");
    }

    /**
     * Answers an admin request.
     *
     * @throws AuthException or {@link ApiError}: the handler turns both into error responses
     */
    ApiResponse handle(ApiRequest request) {
        if (key == null) {
            throw ApiError.notFound("no such route");
        }
        authenticate(request);
        List<String> s = segments(request.path());
        if (s.size() < 4 || !s.get(2).equals("v1")) {
            throw ApiError.notFound("no such route");
        }
        List<String> rest = s.subList(3, s.size());
        return switch (rest.get(0)) {
            case "users" -> users(request, rest.subList(1, rest.size()));
            case "api_keys" -> apiKeys(request, rest.subList(1, rest.size()));
            default -> throw ApiError.notFound("no such route");
        };
    }

    private void authenticate(ApiRequest request) {
        String client = RequestLimits.clientKey(request.clientAddress());
        Duration wait = failures.take(client);
        if (!wait.isZero()) {
            long seconds = RequestLimits.retryAfterSeconds(wait);
            throw new ApiError(429, "TooManyRequests", "too many failed admin requests from this address: try again in "
                    + seconds + " s", Map.of("Retry-After", Long.toString(seconds)));
        }
        if (key.matches(bearer(request))) {
            failures.giveBack(client);
            return;
        }
        AUDIT.warning("admin API: refused a request without the right admin key from " + request.clientAddress());
        // One message for a missing and a wrong key: no hint of which, nor of the routes.
        throw new ApiError(401, "Unauthorized", "the admin API needs 'Authorization: Bearer <admin key>'",
                Map.of("WWW-Authenticate", "Bearer realm=\"latchkey-admin\""));
    }

    private static String bearer(ApiRequest request) {
        String header = request.header("authorization");
        if (header == null) {
            return null;
        }
        String h = header.strip();
        return h.length() > 7 && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).strip() : null;
    }

    // ---- users

    private ApiResponse users(ApiRequest request, List<String> s) {
        if (s.isEmpty()) {
            return only(request, "GET", () -> list(request));
        }
        String userId = userId(s.get(0));
        if (s.size() == 1) {
            return switch (request.method()) {
                case "GET" -> ApiResponse.json(200, user(engine.findUser(userId)
                        .orElseThrow(() -> new AuthException(ErrorCode.USER_NOT_FOUND, "no user with that id"))).toString());
                case "DELETE" -> {
                    engine.deleteUser(userId);
                    audit(request, "deleted user " + userId);
                    yield ApiResponse.empty(204);
                }
                default -> throw notAllowed("GET, DELETE");
            };
        }
        if (s.size() == 2 && (s.get(1).equals("disable") || s.get(1).equals("enable"))) {
            return only(request, "PUT", () -> {
                if (s.get(1).equals("disable")) {
                    engine.disableUser(userId);
                } else {
                    engine.enableUser(userId);
                }
                audit(request, s.get(1) + "d user " + userId);
                return ApiResponse.empty(204);
            });
        }
        if (s.size() == 2 && s.get(1).equals("sessions")) {
            return only(request, "DELETE", () -> {
                int ended = engine.revokeSessions(userId);
                audit(request, "ended " + ended + " sessions of user " + userId);
                JsonObject answer = new JsonObject();
                answer.addProperty("revoked", ended);
                return ApiResponse.json(200, answer.toString());
            });
        }
        throw ApiError.notFound("no such route");
    }

    private ApiResponse list(ApiRequest request) {
        String after = request.query().get("after");
        if (after != null && after.isEmpty()) {
            after = null;
        }
        if (after != null && !USER_ID.matcher(after).matches()) {
            throw new AuthException(ErrorCode.INVALID_PARAMETER, "'after' must be a user id, as a page's 'next' gives it");
        }
        int limit = DEFAULT_PAGE_SIZE;
        String limitText = request.query().get("limit");
        if (limitText != null) {
            if (!LIMIT.matcher(limitText).matches() || Integer.parseInt(limitText) < 1
                    || Integer.parseInt(limitText) > AuthService.MAX_PAGE_SIZE) {
                throw new AuthException(ErrorCode.INVALID_PARAMETER, "'limit' must be a whole number from 1 to "
                        + AuthService.MAX_PAGE_SIZE);
            }
            limit = Integer.parseInt(limitText);
        }
        UserPage page = engine.listUsers(after, limit);
        JsonArray users = new JsonArray();
        for (UserInfo user : page.users()) {
            users.add(user(user));
        }
        JsonObject answer = new JsonObject();
        answer.add("users", users);
        answer.add("next", page.next().<com.google.gson.JsonElement>map(com.google.gson.JsonPrimitive::new).orElse(JsonNull.INSTANCE));
        return ApiResponse.json(200, answer.toString());
    }

    /** What an admin sees of a user: no profile or custom data (personal data the listing does not need). */
    private static JsonObject user(UserInfo user) {
        JsonObject o = new JsonObject();
        o.addProperty("id", user.id());
        o.addProperty("type", user.type().name().toLowerCase(Locale.ROOT));
        o.addProperty("disabled", user.disabled());
        o.addProperty("created", user.createdAt().toString());
        JsonArray identities = new JsonArray();
        for (Identity identity : user.identities()) {
            JsonObject i = new JsonObject();
            i.addProperty("provider_type", identity.providerType());
            i.addProperty("id", identity.subject());
            identities.add(i);
        }
        o.add("identities", identities);
        return o;
    }

    /** A user id from the path: one that could not be an id is no user (never echoed: it came from outside). */
    private static String userId(String text) {
        if (!USER_ID.matcher(text).matches()) {
            throw new AuthException(ErrorCode.USER_NOT_FOUND, "no user with that id");
        }
        return text;
    }

    // ---- server API keys

    private ApiResponse apiKeys(ApiRequest request, List<String> s) {
        if (s.isEmpty()) {
            return only(request, "POST", () -> {
                String name = RequestJson.string(RequestJson.object(request), "name");
                ApiKey created = engine.createServerApiKey(name);
                String owner = engine.findUserByIdentity(ProviderTypes.API_KEY, created.id()).map(UserInfo::id).orElse(null);
                audit(request, "created server API key " + created.id() + " (user " + owner + ")");
                JsonObject answer = new JsonObject();
                answer.addProperty("_id", created.id());
                answer.addProperty("key", created.value());
                answer.addProperty("name", created.name());
                answer.addProperty("disabled", !created.enabled());
                answer.addProperty("user_id", owner);
                return ApiResponse.json(201, answer.toString());
            });
        }
        if (s.size() == 1) {
            return only(request, "DELETE", () -> {
                String id = s.get(0);
                UserInfo owner = KEY_ID.matcher(id).matches() ? engine.findUserByIdentity(ProviderTypes.API_KEY, id).orElse(null) : null;
                if (owner == null) {
                    throw new AuthException(ErrorCode.API_KEY_NOT_FOUND, "no API key with that id");
                }
                if (owner.type() == UserType.SERVER) {
                    // A server key's user exists only for that key: both go.
                    engine.deleteUser(owner.id());
                } else {
                    engine.apiKeys(owner.id()).delete(id);
                }
                audit(request, "deleted API key " + id + " of user " + owner.id());
                return ApiResponse.empty(204);
            });
        }
        throw ApiError.notFound("no such route");
    }

    // ---- helpers

    private static void audit(ApiRequest request, String what) {
        AUDIT.info("admin API: " + what + " (from " + request.clientAddress() + ")");
    }

    private static ApiResponse only(ApiRequest request, String method, Supplier<ApiResponse> route) {
        if (!request.method().equals(method)) {
            throw notAllowed(method);
        }
        return route.get();
    }

    private static ApiError notAllowed(String allowed) {
        return new ApiError(405, "MethodNotAllowed", "method not allowed; this route takes " + allowed, Map.of("Allow", allowed));
    }

    private static List<String> segments(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() ? List.of() : List.of(p.split("/", -1));
    }
}
