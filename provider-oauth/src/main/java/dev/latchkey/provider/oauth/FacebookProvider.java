package dev.latchkey.provider.oauth;

import com.google.auto.service.AutoService;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.Profile;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.ProviderContext;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * The {@code oauth2-facebook} provider: a Facebook user access token (from Facebook Login on the
 * client) proves the person it belongs to.
 *
 * <p>Each log-in makes two Graph API calls. {@code GET /{version}/debug_token} with the app access
 * token ({@code appId|appSecret}) must say the token is valid ({@code is_valid}), of type
 * {@code USER}, issued to this app ({@code app_id}), not expired ({@code expires_at} in the future
 * by the engine's clock; {@code 0}, "never", is refused: Graph gives that to page and other
 * long-lived tokens, not to a person's log-in), data access not expired, and names a
 * {@code user_id} (SECURITY.md #14). Then {@code GET /{version}/me?fields=id,...} with the user
 * token in an {@code Authorization: Bearer} header (never in that URL) and an
 * {@code appsecret_proof} must answer the same {@code id}; that id is the subject. The profile
 * takes the configured metadata fields; a picture URL that carries the access token is dropped,
 * never stored (SECURITY.md #15).
 *
 * <p>Errors: a token Facebook refuses is INVALID_CREDENTIALS; Graph rate limits (codes 4, 17, 32,
 * 613, and HTTP 429) are RATE_LIMITED; a refused app token (bad app id or secret) and anything
 * unexpected are PROVIDER_BACKEND; unreachable or too slow is NETWORK. No message holds a token or
 * the app secret.
 */
@AutoService(CredentialProvider.class)
public final class FacebookProvider implements CredentialProvider {
    /** The longest access token accepted. */
    public static final int MAX_TOKEN_LENGTH = 4096;

    /** 2100-01-01T00:00:00Z. */
    private static final long MAX_UNIX_TIME = 4_102_444_800L;
    private static final String BACKEND = "Facebook";
    private static final String FIELD = "accessToken";
    private static final Set<Integer> RATE_LIMIT_CODES = Set.of(4, 17, 32, 613);
    private static final int INVALID_TOKEN_CODE = 190;
    private static final Duration RATE_LIMIT_WAIT = Duration.ofMinutes(1);
    /** Facebook ids are digits; a little room for change, none for surprises. */
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    private static final int MAX_PROFILE_TEXT = 1024;
    private static final int MAX_EMAIL = 254;
    private static final int MAX_PICTURE_URL = 2048;

    private volatile Started started;

    /** Everything start() makes, so a half-started provider is never seen. */
    private record Started(FacebookSettings settings, Clock clock, BackendCalls appCalls,
                           HttpUrl debugToken, HttpUrl me, String fields) {
    }

    /** Made by ServiceLoader. */
    public FacebookProvider() {
    }

    @Override
    public String type() {
        return ProviderTypes.FACEBOOK;
    }

    @Override
    public void start(ProviderContext context) {
        FacebookSettings settings = context.settings(FacebookSettings.class);
        String fields = settings.metadataFields().isEmpty() ? "id" : "id," + String.join(",", settings.metadataFields());
        started = new Started(settings, context.clock(), new BackendCalls(context.service(OkHttpClient.class), BACKEND, settings.timeout()),
                settings.endpoint("debug_token"), settings.endpoint("me"), fields);
    }

    @Override
    public Identity authenticate(Credentials credentials) {
        Started s = started;
        if (s == null) {
            throw new AuthException(ErrorCode.INTERNAL, type() + " was not started");
        }
        String token = checkedToken(credentials);
        String userId = debugToken(s, token);
        JsonObject me = me(s, token);
        String id = BackendCalls.string(me, "id");
        if (id == null || !id.equals(userId)) {
            throw new AuthException(ErrorCode.INVALID_CREDENTIALS,
                    "Facebook's /me answered for another user than debug_token named: the token is refused");
        }
        return new Identity(type(), id, profile(s, me, token));
    }

    // ------------------------------------------------------------------------------------------
    // Credentials
    // ------------------------------------------------------------------------------------------

    private String checkedToken(Credentials credentials) {
        if (!type().equals(credentials.providerType())) {
            throw new AuthException(ErrorCode.MALFORMED, "these are " + credentials.providerType() + " credentials; "
                    + type() + " takes {\"accessToken\": string}: Credentials.facebook(accessToken)");
        }
        if (!credentials.payload().keySet().equals(Set.of(FIELD))) {
            // Credentials.toString() bounds and escapes the field names, which come from outside.
            throw new AuthException(ErrorCode.MALFORMED, type() + " credentials have exactly one field, 'accessToken', but got "
                    + credentials);
        }
        String token = credentials.stringField(FIELD).orElseThrow(() ->
                new AuthException(ErrorCode.MALFORMED, "the 'accessToken' of " + type() + " credentials must be a string"));
        if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw new AuthException(ErrorCode.MALFORMED, "a Facebook access token is 1-" + MAX_TOKEN_LENGTH + " characters");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c <= ' ' || c > '~') {
                throw new AuthException(ErrorCode.MALFORMED, "a Facebook access token is printable ASCII without spaces");
            }
        }
        return token;
    }

    // ------------------------------------------------------------------------------------------
    // debug_token
    // ------------------------------------------------------------------------------------------

    /** Checks the token with Graph's debug_token and answers its user id. */
    private String debugToken(Started s, String token) {
        // As Meta documents the call, both tokens go in the query; BackendCalls never shows the URL.
        HttpUrl url = s.debugToken().newBuilder()
                .addQueryParameter("input_token", token)
                .addQueryParameter("access_token", s.settings().appAccessToken())
                .build();
        BackendCalls.Reply reply = s.appCalls().get(url);
        if (!reply.ok()) {
            throw appCallRefused(reply);
        }
        JsonObject data = object(reply.body(), "data");
        if (data == null) {
            throw new AuthException(ErrorCode.PROVIDER_BACKEND, "Facebook's debug_token answer has no \"data\"");
        }
        if (!isTrue(data, "is_valid")) {
            throw invalid("Facebook says the access token is not valid (expired, revoked or unknown)");
        }
        String appId = text(data, "app_id");
        if (!s.settings().appId().equals(appId)) {
            throw invalid("the Facebook access token was issued to another app");
        }
        String kind = BackendCalls.string(data, "type");
        if (!"USER".equals(kind)) {
            throw invalid("the Facebook access token is not a user access token");
        }
        Instant now = s.clock().instant();
        Long expiresAt = time(data, "expires_at");
        if (expiresAt == null || expiresAt == 0) {
            throw invalid("the Facebook access token has no expiry: only user access tokens are taken");
        }
        if (!now.isBefore(Instant.ofEpochSecond(expiresAt))) {
            throw invalid("the Facebook access token has expired");
        }
        Long dataAccess = time(data, "data_access_expires_at");
        if (dataAccess != null && dataAccess != 0 && !now.isBefore(Instant.ofEpochSecond(dataAccess))) {
            throw invalid("the Facebook access token's data access has expired: the person must log in with Facebook again");
        }
        String userId = text(data, "user_id");
        if (userId == null || !USER_ID.matcher(userId).matches()) {
            throw invalid("Facebook's debug_token names no user for the access token");
        }
        return userId;
    }

    /** A 4xx from debug_token: the app's own token or limits, never the user's token (that answers 200). */
    private static AuthException appCallRefused(BackendCalls.Reply reply) {
        Integer code = graphErrorCode(reply.body());
        if (code != null && RATE_LIMIT_CODES.contains(code)) {
            return rateLimited(code);
        }
        if (code != null && code == INVALID_TOKEN_CODE) {
            return new AuthException(ErrorCode.PROVIDER_BACKEND,
                    "Facebook refused the app access token (code 190): check the appId and appSecret settings");
        }
        return new AuthException(ErrorCode.PROVIDER_BACKEND, "Facebook's debug_token answered HTTP " + reply.status()
                + (code == null ? "" : " (error code " + code + ")"));
    }

    // ------------------------------------------------------------------------------------------
    // me
    // ------------------------------------------------------------------------------------------

    private JsonObject me(Started s, String token) {
        HttpUrl url = s.me().newBuilder()
                .addQueryParameter("fields", s.fields())
                .addQueryParameter("appsecret_proof", appSecretProof(s.settings().appSecret(), token))
                .build();
        // The token goes in a header, never in the URL.
        BackendCalls.Reply reply = s.appCalls().getWithBearer(url, token);
        if (reply.ok()) {
            return reply.body();
        }
        Integer code = graphErrorCode(reply.body());
        if (code != null && RATE_LIMIT_CODES.contains(code)) {
            throw rateLimited(code);
        }
        if (code != null && code == INVALID_TOKEN_CODE) {
            throw invalid("Facebook refused the access token");
        }
        throw new AuthException(ErrorCode.PROVIDER_BACKEND, "Facebook's /me answered HTTP " + reply.status()
                + (code == null ? "" : " (error code " + code + ")"));
    }

    /** Graph's {@code appsecret_proof}: HMAC-SHA256 of the token keyed with the app secret, in hex. */
    private static String appSecretProof(String appSecret, String token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(token.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new AuthException(ErrorCode.INTERNAL, "HmacSHA256 is not available (" + e.getClass().getSimpleName() + ")");
        }
    }

    // ------------------------------------------------------------------------------------------
    // Profile
    // ------------------------------------------------------------------------------------------

    private static Profile profile(Started s, JsonObject me, String token) {
        List<String> fields = s.settings().metadataFields();
        Profile.Builder p = Profile.builder();
        if (fields.contains("name")) {
            p.name(profileText(me, "name", MAX_PROFILE_TEXT));
        }
        if (fields.contains("first_name")) {
            p.firstName(profileText(me, "first_name", MAX_PROFILE_TEXT));
        }
        if (fields.contains("last_name")) {
            p.lastName(profileText(me, "last_name", MAX_PROFILE_TEXT));
        }
        if (fields.contains("email")) {
            p.email(profileText(me, "email", MAX_EMAIL));
        }
        if (fields.contains("gender")) {
            p.gender(profileText(me, "gender", MAX_PROFILE_TEXT));
        }
        if (fields.contains("birthday")) {
            p.birthday(profileText(me, "birthday", MAX_PROFILE_TEXT));
        }
        if (fields.contains("age_range")) {
            JsonObject range = object(me, "age_range");
            if (range != null) {
                p.minAge(age(range, "min"));
                p.maxAge(age(range, "max"));
            }
        }
        if (fields.contains("picture")) {
            JsonObject data = object(object(me, "picture"), "data");
            String url = data == null ? null : profileText(data, "url", MAX_PICTURE_URL);
            p.pictureUrl(safePictureUrl(url, token, s.settings().appSecret()));
        }
        return p.build();
    }

    /**
     * The picture URL, or null when it carries the access token (SECURITY.md #15): a parameter
     * named {@code access_token}, or the token (or the app secret) anywhere in it, raw or decoded.
     * Only http(s) URLs are kept.
     */
    static String safePictureUrl(String url, String token, String appSecret) {
        if (url == null) {
            return null;
        }
        HttpUrl parsed = HttpUrl.parse(url);
        if (parsed == null) {
            return null;
        }
        for (String name : parsed.queryParameterNames()) {
            if (name.toLowerCase(Locale.ROOT).contains("access_token")) {
                return null;
            }
            for (String value : parsed.queryParameterValues(name)) {
                if (value != null && (value.contains(token) || value.contains(appSecret))) {
                    return null;
                }
            }
        }
        String path = String.join("/", parsed.pathSegments());
        String fragment = parsed.fragment() == null ? "" : parsed.fragment();
        for (String part : List.of(url, path, fragment)) {
            if (part.contains(token) || part.contains(appSecret)) {
                return null;
            }
        }
        return url;
    }

    private static String profileText(JsonObject object, String name, int max) {
        String value = BackendCalls.string(object, name);
        if (value == null || value.isBlank() || value.length() > max || !Identity.isStorableText(value)) {
            return null;
        }
        return value;
    }

    private static Integer age(JsonObject range, String name) {
        Long n = number(range, name);
        return n == null || n < 0 || n > 200 ? null : n.intValue();
    }

    // ------------------------------------------------------------------------------------------
    // JSON and errors
    // ------------------------------------------------------------------------------------------

    /** Graph's {@code {"error": {"code": n, ...}}}, or null. */
    private static Integer graphErrorCode(JsonObject body) {
        Long code = number(object(body, "error"), "code");
        return code == null || code < Integer.MIN_VALUE || code > Integer.MAX_VALUE ? null : code.intValue();
    }

    private static AuthException rateLimited(int code) {
        return AuthException.retryLater(ErrorCode.RATE_LIMITED,
                "Facebook is limiting this app's requests (error code " + code + "): try again later", RATE_LIMIT_WAIT);
    }

    private static AuthException invalid(String message) {
        return new AuthException(ErrorCode.INVALID_CREDENTIALS, message);
    }

    private static JsonObject object(JsonObject parent, String name) {
        if (parent == null) {
            return null;
        }
        JsonElement e = parent.get(name);
        return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
    }

    private static boolean isTrue(JsonObject object, String name) {
        JsonElement e = object.get(name);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean() && e.getAsBoolean();
    }

    /** A string, or an integral number written as digits (Graph sends ids as strings, but be lenient). */
    private static String text(JsonObject object, String name) {
        JsonElement e = object.get(name);
        if (e == null || !e.isJsonPrimitive()) {
            return null;
        }
        if (e.getAsJsonPrimitive().isString()) {
            return e.getAsString();
        }
        if (e.getAsJsonPrimitive().isNumber()) {
            String digits = e.getAsString();
            return digits.chars().allMatch(Character::isDigit) ? digits : null;
        }
        return null;
    }

    /** A Unix time of the answer, within 1970-2100: anything else is a hostile or broken answer, not a time. */
    private static Long time(JsonObject object, String name) {
        Long value = number(object, name);
        if (value != null && (value < 0 || value > MAX_UNIX_TIME)) {
            throw new AuthException(ErrorCode.PROVIDER_BACKEND, "Facebook's debug_token has a " + name + " that is not a time");
        }
        return value;
    }

    private static Long number(JsonObject object, String name) {
        if (object == null) {
            return null;
        }
        JsonElement e = object.get(name);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            return null;
        }
        try {
            BigDecimal n = e.getAsBigDecimal();
            // Digits before the point: refuse 1e999999999 before anything tries to expand it.
            if (n.precision() - n.scale() > 19) {
                return null;
            }
            return n.longValueExact();
        } catch (ArithmeticException | NumberFormatException ex) {
            return null;
        }
    }
}
