package dev.latchkey.testkit.fake;

import dev.latchkey.testkit.log.TestSecrets;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A fake Facebook Graph API on a real loopback socket: the two endpoints a Facebook log-in uses,
 * {@code GET /{version}/debug_token} (checks a user access token with the app access token
 * {@code appId|appSecret}) and {@code GET /{version}/me} (the person the token belongs to), answering
 * with the field names Meta documents. Point the {@code oauth2-facebook} provider at it with
 * {@code "graphApiBase": fake.graphApiBase()}.
 *
 * <pre>{@code
 * FakeFacebook facebook = new FakeFacebook(clock);                  // the provider's clock
 * FakeFacebook.TestUser alice = facebook.addUser("10001", "Alice Smith", "alice@example.com");
 * String token = facebook.issueToken(alice);                        // a valid USER token of our app
 * settings = Map.of("appId", facebook.appId(), "appSecret", facebook.appSecret(),
 *                   "graphApiBase", facebook.graphApiBase());
 * facebook.invalidate(token);                                       // is_valid: false from now on
 * facebook.failWith(Failure.STALL);                                 // transport failures, as every fake
 * }</pre>
 *
 * <p>What it plays:
 * <ul>
 *   <li>{@code debug_token}: the app token must be {@code access_token=appId|appSecret} (query or
 *       {@code Authorization: Bearer}); otherwise HTTP 400 {@code OAuthException} code 190, as
 *       Graph answers a bad app token. A known user token answers 200 with {@code data.app_id},
 *       {@code type} ({@code USER}), {@code application}, {@code data_access_expires_at},
 *       {@code expires_at}, {@code is_valid}, {@code issued_at}, {@code scopes}, {@code user_id};
 *       an unknown, expired or invalidated one answers 200 with {@code is_valid: false} and a
 *       {@code data.error} (code 190), as Graph does.</li>
 *   <li>{@code me}: the user token by {@code Authorization: Bearer} or {@code access_token};
 *       {@code fields} among {@code id, name, first_name, last_name, email, picture, gender,
 *       birthday, age_range}; {@code picture.data.{height,is_silhouette,url,width}} and
 *       {@code age_range.{min,max}}. A field the user has no value for is left out (as for a
 *       permission not granted). A bad token answers 400 {@code OAuthException} code 190; an
 *       unknown field 400 code 100; an {@code appsecret_proof}, when sent, must be
 *       HMAC-SHA256(token, appSecret) in hex, or 400 code 100.</li>
 * </ul>
 * Expiry is judged on the clock given to the constructor: use the provider's clock. Tokens live 2
 * hours (a short-lived user token); data access 90 days. Graph-level errors are scripted with
 * {@link #graphError}; transport failures with {@link #failWith(Failure)}. Thread-safe.
 */
public final class FakeFacebook extends JsonEndpointBackend {
    /** The Graph API version the fake serves unless told otherwise. */
    public static final String DEFAULT_VERSION = "v21.0";
    /** How long an issued token is valid. */
    public static final Duration TOKEN_LIFETIME = Duration.ofHours(2);
    /** How long data access lasts from issue. */
    public static final Duration DATA_ACCESS_LIFETIME = Duration.ofDays(90);
    /** The app name debug_token reports as {@code application}. */
    public static final String APPLICATION_NAME = "Latchkey Test App";
    /** The fields {@code me} knows, besides {@code id}. */
    public static final Set<String> FIELDS =
            Set.of("name", "first_name", "last_name", "email", "picture", "gender", "birthday", "age_range");

    /** A Graph endpoint, for scripted {@link #graphError errors}. */
    public enum Endpoint {
        /** {@code /{version}/debug_token}. */
        DEBUG_TOKEN,
        /** {@code /{version}/me}. */
        ME
    }

    /** What {@code picture.data.url} looks like. */
    public enum PictureUrls {
        /** A CDN address without the token (what Graph sends today). */
        CLEAN,
        /** A Graph address with {@code access_token=<the user's token>} in its query. */
        ACCESS_TOKEN_PARAMETER,
        /** A CDN address with the user's token as the value of another parameter ({@code oh=<token>}). */
        TOKEN_IN_OTHER_PARAMETER
    }

    /**
     * A test user. Null fields are left out of {@code me} answers.
     *
     * @param id the app-scoped user id ({@code user_id}, {@code id}); required
     * @param name the full name
     * @param firstName {@code first_name}
     * @param lastName {@code last_name}
     * @param email the email address
     * @param gender the gender
     * @param birthday {@code MM/DD/YYYY}
     * @param minAge {@code age_range.min}
     * @param maxAge {@code age_range.max}
     */
    public record TestUser(String id, String name, String firstName, String lastName, String email, String gender,
                           String birthday, Integer minAge, Integer maxAge) {
        /**
         * Checks the id.
         *
         * @param id see the record description
         * @param name see the record description
         * @param firstName see the record description
         * @param lastName see the record description
         * @param email see the record description
         * @param gender see the record description
         * @param birthday see the record description
         * @param minAge see the record description
         * @param maxAge see the record description
         */
        public TestUser {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("a test user needs an id");
            }
        }
    }

    /** What the fake knows about one issued token. */
    private record Token(TestUser user, String appId, Instant issuedAt, Instant expiresAt, boolean valid) {
    }

    private record ScriptedError(int status, int code) {
    }

    private static final String AUTH_SCHEME = "Bearer ";

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final String version;
    private final String appId;
    private final String appSecret;
    private final Map<String, TestUser> users = new ConcurrentHashMap<>();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<Endpoint, ScriptedError> errors = new ConcurrentHashMap<>();
    private volatile PictureUrls pictureUrls = PictureUrls.CLEAN;
    private volatile TestUser meAnswersAs;

    /** A fake on the system clock, with a random app id and secret, serving {@link #DEFAULT_VERSION}. */
    public FakeFacebook() {
        this(Clock.systemUTC());
    }

    /**
     * A fake with a random app id and secret, serving {@link #DEFAULT_VERSION}.
     *
     * @param clock the clock expiry is judged on; give it the provider's
     */
    public FakeFacebook(Clock clock) {
        this(clock, DEFAULT_VERSION, null, null);
    }

    /**
     * A fake with a given app and Graph API version.
     *
     * @param clock the clock expiry is judged on
     * @param version the Graph API version in paths, for example {@code v21.0}
     * @param appId the app id, or null for a random 15-digit one
     * @param appSecret the app secret, or null for 32 random hex digits
     */
    public FakeFacebook(Clock clock, String version, String appId, String appSecret) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.version = Objects.requireNonNull(version, "version");
        this.appId = appId != null ? appId : digits(15);
        this.appSecret = TestSecrets.register("the app secret of FakeFacebook", appSecret != null ? appSecret : hex(16));
        route("/" + version + "/debug_token", this::debugToken);
        route("/" + version + "/me", this::me);
    }

    // ------------------------------------------------------------------------------------------
    // What a test configures
    // ------------------------------------------------------------------------------------------

    /**
     * The app id, for the provider's {@code appId} setting.
     *
     * @return the app id
     */
    public String appId() {
        return appId;
    }

    /**
     * The app secret, for the provider's {@code appSecret} setting.
     *
     * @return the secret
     */
    public String appSecret() {
        return appSecret;
    }

    /**
     * The Graph API version served.
     *
     * @return for example {@code v21.0}
     */
    public String graphApiVersion() {
        return version;
    }

    /**
     * The base address, for the provider's {@code graphApiBase} setting; starts the fake.
     *
     * @return for example {@code http://127.0.0.1:54321}, without a trailing slash
     */
    public String graphApiBase() {
        String root = url("/");
        return root.substring(0, root.length() - 1);
    }

    /**
     * Adds a test user with a name and address; first and last name are taken from the name.
     *
     * @param id the app-scoped id
     * @param name the full name, or null
     * @param email the address, or null (as when the email permission was not granted)
     * @return the user
     */
    public TestUser addUser(String id, String name, String email) {
        String first = null;
        String last = null;
        if (name != null) {
            int space = name.indexOf(' ');
            first = space < 0 ? name : name.substring(0, space);
            last = space < 0 ? null : name.substring(space + 1);
        }
        return addUser(new TestUser(id, name, first, last, email, null, null, null, null));
    }

    /**
     * Adds (or replaces) a test user with every field.
     *
     * @param user the user
     * @return the user
     */
    public TestUser addUser(TestUser user) {
        users.put(user.id(), Objects.requireNonNull(user, "user"));
        return user;
    }

    /**
     * Issues a valid user access token of this app.
     *
     * @param user the user
     * @return the token (secret: do not print it)
     */
    public String issueToken(TestUser user) {
        return issue(user, appId);
    }

    /**
     * Issues a valid user access token of another app: {@code debug_token} reports another
     * {@code app_id} (SECURITY.md #14); {@code me} still answers for it, as Graph would.
     *
     * @param user the user
     * @return the token
     */
    public String issueTokenForOtherApp(TestUser user) {
        String other;
        do {
            other = digits(15);
        } while (other.equals(appId));
        return issue(user, other);
    }

    /**
     * Makes a token expired: its {@code expires_at} one second before the clock's now, and
     * {@code is_valid: false} from then on (as Graph reports expired tokens).
     *
     * @param token an issued token
     */
    public void expire(String token) {
        tokens.computeIfPresent(token, (k, t) -> new Token(t.user(), t.appId(), t.issuedAt(),
                clock.instant().minusSeconds(1), t.valid()));
    }

    /**
     * Makes a token never expire: {@code expires_at: 0}, as Graph reports long-lived page tokens.
     *
     * @param token an issued token
     */
    public void neverExpire(String token) {
        tokens.computeIfPresent(token, (k, t) -> new Token(t.user(), t.appId(), t.issuedAt(), Instant.EPOCH, t.valid()));
    }

    /**
     * Makes {@code me} answer every valid token with another user's data, as a confused or
     * hostile Graph would; {@code debug_token} still names the token's own user.
     *
     * @param user whose data {@code me} answers with, or null for normal service
     */
    public void meAnswersAs(TestUser user) {
        this.meAnswersAs = user;
    }

    /**
     * Makes a token invalid (the user logged out or removed the app): {@code is_valid: false},
     * and {@code me} refuses it.
     *
     * @param token an issued token
     */
    public void invalidate(String token) {
        tokens.computeIfPresent(token, (k, t) -> new Token(t.user(), t.appId(), t.issuedAt(), t.expiresAt(), false));
    }

    /**
     * Chooses what picture URLs look like (SECURITY.md #15).
     *
     * @param style the style; {@link PictureUrls#CLEAN} by default
     */
    public void pictureUrls(PictureUrls style) {
        this.pictureUrls = Objects.requireNonNull(style, "style");
    }

    /**
     * Makes an endpoint answer every request with a Graph API error
     * ({@code {"error": {"message", "type": "OAuthException", "code", "fbtrace_id"}}}) until
     * {@link #clearGraphErrors()} or {@link #reset()}: for example code 4 (app rate limit), 17
     * (user rate limit), 32 (page rate limit), 613 (custom rate limit), 190 (bad token).
     *
     * @param endpoint which endpoint
     * @param status the HTTP status, usually 400 (403 for some rate limits)
     * @param code the Graph error code
     */
    public void graphError(Endpoint endpoint, int status, int code) {
        errors.put(Objects.requireNonNull(endpoint, "endpoint"), new ScriptedError(status, code));
    }

    /** Stops the scripted Graph errors. */
    public void clearGraphErrors() {
        errors.clear();
    }

    /** Back to normal service: transport failures, scripted Graph errors and {@link #meAnswersAs} end; users and tokens stay. */
    @Override
    public synchronized void reset() {
        errors.clear();
        meAnswersAs = null;
        super.reset();
    }

    /**
     * The requests one endpoint received, oldest first.
     *
     * @param endpoint which endpoint
     * @return the requests
     */
    public List<BackendRequest> requests(Endpoint endpoint) {
        String path = path(endpoint);
        List<BackendRequest> out = new ArrayList<>();
        for (BackendRequest r : requests()) {
            if (r.path().equals(path)) {
                out.add(r);
            }
        }
        return out;
    }

    /** Ports, routes and failure; never tokens, users or the app secret. */
    @Override
    public String toString() {
        return "FakeFacebook[" + version + ", app " + appId + ", " + users.size() + " users, " + super.toString() + "]";
    }

    // ------------------------------------------------------------------------------------------
    // The Graph API
    // ------------------------------------------------------------------------------------------

    private JsonReply debugToken(BackendRequest request) {
        Optional<JsonReply> scripted = scripted(Endpoint.DEBUG_TOKEN);
        if (scripted.isPresent()) {
            return scripted.get();
        }
        String appToken = accessToken(request).orElse(null);
        if (!(appId + "|" + appSecret).equals(appToken)) {
            return graphError(400, 190, "Invalid OAuth access token - Cannot parse access token");
        }
        String input = request.queryParameter("input_token").orElse("");
        if (input.isEmpty()) {
            return graphError(400, 100, "(#100) The parameter input_token is required");
        }
        Token token = tokens.get(input);
        if (token == null) {
            return JsonReply.ok(Map.of("data", Map.of(
                    "error", Map.of("code", 190, "message", "Invalid OAuth access token."),
                    "is_valid", false,
                    "scopes", List.of())));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("app_id", token.appId());
        data.put("type", "USER");
        data.put("application", APPLICATION_NAME);
        data.put("data_access_expires_at", token.issuedAt().plus(DATA_ACCESS_LIFETIME).getEpochSecond());
        data.put("expires_at", token.expiresAt().getEpochSecond());
        boolean valid = token.valid() && unexpired(token);
        data.put("is_valid", valid);
        if (!valid) {
            data.put("error", Map.of("code", 190, "subcode", token.valid() ? 463 : 460,
                    "message", token.valid() ? "Error validating access token: Session has expired."
                            : "Error validating access token: The session has been invalidated."));
        }
        data.put("issued_at", token.issuedAt().getEpochSecond());
        data.put("scopes", List.of("email", "public_profile"));
        data.put("user_id", token.user().id());
        return JsonReply.ok(Map.of("data", data));
    }

    private JsonReply me(BackendRequest request) {
        Optional<JsonReply> scripted = scripted(Endpoint.ME);
        if (scripted.isPresent()) {
            return scripted.get();
        }
        String value = accessToken(request).orElse("");
        Token token = tokens.get(value);
        if (token == null || !token.valid() || !unexpired(token)) {
            return graphError(400, 190, "Invalid OAuth access token.");
        }
        Optional<String> proof = request.queryParameter("appsecret_proof");
        if (proof.isPresent() && !MessageDigest.isEqual(proof.get().getBytes(StandardCharsets.US_ASCII),
                appSecretProof(value).getBytes(StandardCharsets.US_ASCII))) {
            return graphError(400, 100, "Invalid appsecret_proof provided in the API argument");
        }
        TestUser user = meAnswersAs != null ? meAnswersAs : token.user();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", user.id());
        for (String field : request.queryParameter("fields").orElse("id").split(",")) {
            field = field.strip();
            if (field.isEmpty() || field.equals("id")) {
                continue;
            }
            if (!FIELDS.contains(field)) {
                return graphError(400, 100, "(#100) Tried accessing nonexisting field (" + field + ")");
            }
            Object v = field(user, field, value);
            if (v != null) {
                answer.put(field, v);
            }
        }
        return JsonReply.ok(answer);
    }

    private Object field(TestUser user, String field, String token) {
        switch (field) {
            case "name":
                return user.name();
            case "first_name":
                return user.firstName();
            case "last_name":
                return user.lastName();
            case "email":
                return user.email();
            case "gender":
                return user.gender();
            case "birthday":
                return user.birthday();
            case "age_range":
                if (user.minAge() == null && user.maxAge() == null) {
                    return null;
                }
                Map<String, Object> range = new LinkedHashMap<>();
                if (user.minAge() != null) {
                    range.put("min", user.minAge());
                }
                if (user.maxAge() != null) {
                    range.put("max", user.maxAge());
                }
                return range;
            case "picture":
                return Map.of("data", Map.of("height", 50, "is_silhouette", false, "url", pictureUrl(user, token),
                        "width", 50));
            default:
                return null;
        }
    }

    private String pictureUrl(TestUser user, String token) {
        switch (pictureUrls) {
            case ACCESS_TOKEN_PARAMETER:
                return graphApiBase() + "/" + version + "/" + user.id() + "/picture?type=normal&access_token=" + token;
            case TOKEN_IN_OTHER_PARAMETER:
                return "https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=" + user.id() + "&oh=" + token;
            case CLEAN:
            default:
                return "https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=" + user.id()
                        + "&height=50&width=50&ext=1767225600&hash=AbZ" + user.id().hashCode();
        }
    }

    private boolean unexpired(Token token) {
        return token.expiresAt().equals(Instant.EPOCH) || clock.instant().isBefore(token.expiresAt());
    }

    private Optional<JsonReply> scripted(Endpoint endpoint) {
        ScriptedError e = errors.get(endpoint);
        return e == null ? Optional.empty() : Optional.of(graphError(e.status(), e.code(), "(#" + e.code() + ") scripted error"));
    }

    private JsonReply graphError(int status, int code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", "OAuthException");
        error.put("code", code);
        error.put("fbtrace_id", "A" + hex(8));
        return JsonReply.status(status, Map.of("error", error)).withHeader("WWW-Authenticate",
                "OAuth \"Facebook Platform\" \"invalid_token\" \"" + message.replace('"', '\'') + "\"");
    }

    /** Graph takes a token as {@code access_token} or as {@code Authorization: Bearer|OAuth}. */
    private static Optional<String> accessToken(BackendRequest request) {
        Optional<String> header = request.header("Authorization");
        if (header.isPresent()) {
            String h = header.get();
            if (h.regionMatches(true, 0, AUTH_SCHEME, 0, AUTH_SCHEME.length())) {
                return Optional.of(h.substring(AUTH_SCHEME.length()).strip());
            }
            if (h.regionMatches(true, 0, "OAuth ", 0, 6)) {
                return Optional.of(h.substring(6).strip());
            }
        }
        return request.queryParameter("access_token");
    }

    /**
     * The {@code appsecret_proof} Graph expects with a token: HMAC-SHA256 of the token keyed with
     * the app secret, in lower-case hex.
     *
     * @param token the access token
     * @return the proof
     */
    public String appSecretProof(String token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private String issue(TestUser user, String forApp) {
        Objects.requireNonNull(user, "user");
        String token = TestSecrets.register("an access token minted by FakeFacebook", "EAA" + alphanumeric(180));
        Instant now = clock.instant();
        tokens.put(token, new Token(user, forApp, now, now.plus(TOKEN_LIFETIME), true));
        return token;
    }

    private String path(Endpoint endpoint) {
        return "/" + version + (endpoint == Endpoint.ME ? "/me" : "/debug_token");
    }

    private String digits(int n) {
        StringBuilder b = new StringBuilder().append((char) ('1' + random.nextInt(9)));
        while (b.length() < n) {
            b.append((char) ('0' + random.nextInt(10)));
        }
        return b.toString();
    }

    private String hex(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private String alphanumeric(int n) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
