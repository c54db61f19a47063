package com.example.latchkey.github;

import com.google.auto.service.AutoService;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.Profile;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.ProviderContext;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * The {@code oauth2-github} provider: a GitHub OAuth authorization code proves the GitHub account
 * that granted it.
 *
 * <p>Credentials: {@code Credentials.of("oauth2-github", Map.of("code", code))}, plus
 * {@code "redirectUri"} when the authorization request named one. Each log-in makes three calls:
 * <ol>
 *   <li>{@code POST tokenUrl} exchanges the code (with the client id and secret) for an access
 *       token. GitHub answers a wrong, used or expired code with HTTP 200 and
 *       {@code "error": "bad_verification_code"}: {@code INVALID_CREDENTIALS}.</li>
 *   <li>{@code GET apiUrl/user}: the numeric {@code id} is the subject (the {@code login} can be
 *       renamed, the id cannot); {@code name}, {@code avatar_url} and {@code login} fill the profile.</li>
 *   <li>{@code GET apiUrl/user/emails}: the profile's email is the primary address, and only when
 *       GitHub says it is verified. Without the {@code user:email} scope GitHub answers 403 or 404:
 *       then the profile has no email, and the log-in still succeeds.</li>
 * </ol>
 * The access token is used for these calls only and never kept. No message holds the code, the
 * token or the client secret. Thread-safe after {@link #start}.
 */
@AutoService(CredentialProvider.class)
public final class GitHubProvider implements CredentialProvider {
    /** The provider type: the name in the configuration and in credentials. */
    public static final String TYPE = "oauth2-github";
    /** The longest code accepted (GitHub's are 20 characters). */
    public static final int MAX_CODE_LENGTH = 256;
    /** The longest redirect URI accepted. */
    public static final int MAX_REDIRECT_URI_LENGTH = 2048;

    private static final Set<String> FIELDS = Set.of("code", "redirectUri");
    private static final String TOKEN_ENDPOINT = "GitHub's token endpoint";
    private static final String USER_ENDPOINT = "GitHub's /user";
    private static final String EMAILS_ENDPOINT = "GitHub's /user/emails";
    /** GitHub's own error codes are safe to show; anything else in that field is not. */
    private static final Pattern ERROR_CODE = Pattern.compile("[a-z_]{1,64}");
    private static final Pattern LOGIN = Pattern.compile("[A-Za-z0-9-]{1,39}");
    private static final int MAX_TOKEN_LENGTH = 4096;
    private static final int MAX_NAME_LENGTH = 1024;
    private static final int MAX_EMAIL_LENGTH = 254;
    private static final int MAX_URL_LENGTH = 2048;

    /** Everything {@link #start} makes, published at once. */
    private record Started(GitHubSettings settings, GitHubCalls calls) {
    }

    /** What the credentials hold. */
    private record Grant(String code, String redirectUri) {
        /** Without the code: it is a secret until GitHub has exchanged it. */
        @Override
        public String toString() {
            return "Grant[code=(hidden), redirectUri=" + redirectUri + "]";
        }
    }

    private volatile Started started;

    /** Made by ServiceLoader. */
    public GitHubProvider() {
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void start(ProviderContext context) {
        GitHubSettings settings = context.settings(GitHubSettings.class);
        started = new Started(settings, new GitHubCalls(context.service(OkHttpClient.class), settings.timeout(),
                context.clock()));
    }

    @Override
    public Identity authenticate(Credentials credentials) {
        Started s = started;
        if (s == null) {
            throw new AuthException(ErrorCode.INTERNAL, TYPE + " was not started");
        }
        Grant grant = grant(credentials);
        String accessToken = exchange(s, grant);
        JsonObject user = user(s, accessToken);
        Profile.Builder profile = Profile.builder()
                .name(text(user, "name", MAX_NAME_LENGTH))
                .pictureUrl(httpsUrl(text(user, "avatar_url", MAX_URL_LENGTH)))
                .email(primaryVerifiedEmail(s, accessToken));
        String login = text(user, "login", MAX_NAME_LENGTH);
        if (login != null && LOGIN.matcher(login).matches()) {
            profile.extra("login", login);
        }
        return new Identity(TYPE, subject(user), profile.build());
    }

    // ------------------------------------------------------------------------------------------
    // The credentials
    // ------------------------------------------------------------------------------------------

    private static Grant grant(Credentials credentials) {
        if (credentials == null || !TYPE.equals(credentials.providerType())) {
            throw new AuthException(ErrorCode.MALFORMED, "these are "
                    + (credentials == null ? "no" : credentials.providerType()) + " credentials; " + TYPE
                    + " takes {\"code\": string, \"redirectUri\": optional string}");
        }
        if (!FIELDS.containsAll(credentials.payload().keySet())) {
            // The names are not echoed: they come from outside.
            throw new AuthException(ErrorCode.MALFORMED, TYPE + " credentials take only the fields 'code' and 'redirectUri'");
        }
        String code = credentials.stringField("code").orElseThrow(() ->
                new AuthException(ErrorCode.MALFORMED, "the 'code' of " + TYPE + " credentials is required and must be a string"));
        if (code.isEmpty() || code.length() > MAX_CODE_LENGTH || !printableWithoutSpace(code)) {
            throw new AuthException(ErrorCode.MALFORMED, "a GitHub code is 1-" + MAX_CODE_LENGTH
                    + " printable ASCII characters without spaces");
        }
        if (!credentials.payload().containsKey("redirectUri")) {
            return new Grant(code, null);
        }
        String redirectUri = credentials.stringField("redirectUri").orElseThrow(() ->
                new AuthException(ErrorCode.MALFORMED, "the 'redirectUri' of " + TYPE + " credentials must be a string"));
        if (redirectUri.length() > MAX_REDIRECT_URI_LENGTH || !printableWithoutSpace(redirectUri)
                || HttpUrl.parse(redirectUri) == null) {
            throw new AuthException(ErrorCode.MALFORMED, "the 'redirectUri' of " + TYPE + " credentials must be an absolute"
                    + " http(s) URL of at most " + MAX_REDIRECT_URI_LENGTH + " characters");
        }
        return new Grant(code, redirectUri);
    }

    // ------------------------------------------------------------------------------------------
    // The three calls
    // ------------------------------------------------------------------------------------------

    private static String exchange(Started s, Grant grant) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", s.settings().clientId());
        form.put("client_secret", s.settings().clientSecret());
        form.put("code", grant.code());
        if (grant.redirectUri() != null) {
            form.put("redirect_uri", grant.redirectUri());
        }
        GitHubCalls.Answer answer = s.calls().postForm(TOKEN_ENDPOINT, HttpUrl.get(s.settings().tokenUrl()), form);
        if (answer.status() != 200) {
            throw new AuthException(ErrorCode.PROVIDER_BACKEND, TOKEN_ENDPOINT + " answered HTTP " + answer.status());
        }
        JsonObject body = object(TOKEN_ENDPOINT, answer.body());
        // GitHub reports a refused exchange with HTTP 200 and an "error" field.
        String error = text(body, "error", 64);
        if (error != null) {
            throw switch (error) {
                case "bad_verification_code" -> new AuthException(ErrorCode.INVALID_CREDENTIALS,
                        "GitHub refused the code: it is wrong, used already or expired (codes last 10 minutes)");
                case "redirect_uri_mismatch" -> new AuthException(ErrorCode.INVALID_CREDENTIALS,
                        "GitHub refused the code: the redirectUri is not the one the code was issued for");
                case "unverified_user_email" -> new AuthException(ErrorCode.USER_NOT_CONFIRMED,
                        "GitHub refused the code: the GitHub account's primary email is not verified yet; verify it on GitHub and log in again");
                case "incorrect_client_credentials" -> new AuthException(ErrorCode.PROVIDER_BACKEND,
                        "GitHub refused the client credentials: check the clientId and clientSecret settings");
                default -> new AuthException(ErrorCode.PROVIDER_BACKEND, TOKEN_ENDPOINT + " refused the exchange ("
                        + (ERROR_CODE.matcher(error).matches() ? error : "an unknown error") + ")");
            };
        }
        String tokenType = text(body, "token_type", 64);
        if (tokenType != null && !tokenType.equalsIgnoreCase("bearer")) {
            throw new AuthException(ErrorCode.PROVIDER_BACKEND, TOKEN_ENDPOINT + " answered a token that is not a bearer token");
        }
        String accessToken = text(body, "access_token", Integer.MAX_VALUE);
        if (accessToken == null || accessToken.isEmpty() || accessToken.length() > MAX_TOKEN_LENGTH
                || !printableWithoutSpace(accessToken)) {
            throw new AuthException(ErrorCode.PROVIDER_BACKEND, TOKEN_ENDPOINT + " answered no usable access_token");
        }
        return accessToken;
    }

    private static JsonObject user(Started s, String accessToken) {
        GitHubCalls.Answer answer = s.calls().get(USER_ENDPOINT, s.settings().api("user"), accessToken);
        if (answer.status() == 401) {
            throw new AuthException(ErrorCode.INVALID_CREDENTIALS, "GitHub refused the access token the code was exchanged for");
        }
        if (answer.status() != 200) {
            throw new AuthException(ErrorCode.PROVIDER_BACKEND, USER_ENDPOINT + " answered HTTP " + answer.status());
        }
        return object(USER_ENDPOINT, answer.body());
    }

    /** The primary address if GitHub has verified it; null otherwise, or when the email scope was not granted. */
    private static String primaryVerifiedEmail(Started s, String accessToken) {
        GitHubCalls.Answer answer = s.calls().get(EMAILS_ENDPOINT,
                // GitHub pages lists, 30 entries by default; 100 is its largest page.
                s.settings().api("user", "emails").newBuilder().addQueryParameter("per_page", "100").build(), accessToken);
        if (answer.status() == 403 || answer.status() == 404) {
            return null;
        }
        if (answer.status() == 401) {
            throw new AuthException(ErrorCode.INVALID_CREDENTIALS, "GitHub refused the access token the code was exchanged for");
        }
        if (answer.status() != 200 || !answer.body().isJsonArray()) {
            throw new AuthException(ErrorCode.PROVIDER_BACKEND, EMAILS_ENDPOINT + " answered HTTP " + answer.status()
                    + (answer.body().isJsonArray() ? "" : " without a JSON array"));
        }
        JsonArray emails = answer.body().getAsJsonArray();
        for (JsonElement entry : emails) {
            JsonObject e = object(EMAILS_ENDPOINT, entry);
            if (bool(e, "primary") && bool(e, "verified")) {
                String email = text(e, "email", Integer.MAX_VALUE);
                if (email == null || email.length() > MAX_EMAIL_LENGTH || email.indexOf('@') < 1 || !printableWithoutSpace(email)) {
                    throw new AuthException(ErrorCode.PROVIDER_BACKEND, EMAILS_ENDPOINT + " answered a primary email that is not an address");
                }
                return email;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------
    // Reading answers: a field of the wrong type is GitHub's fault, PROVIDER_BACKEND
    // ------------------------------------------------------------------------------------------

    /** The numeric account id as text: stable for the account's life, unlike the login. */
    private static String subject(JsonObject user) {
        JsonElement id = user.get("id");
        if (id instanceof JsonPrimitive p && p.isNumber()) {
            try {
                BigDecimal value = p.getAsBigDecimal();
                if (value.signum() > 0 && value.stripTrailingZeros().scale() <= 0 && value.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0) {
                    return Long.toString(value.longValueExact());
                }
            } catch (NumberFormatException | ArithmeticException e) {
                // Reported below.
            }
        }
        throw new AuthException(ErrorCode.PROVIDER_BACKEND, USER_ENDPOINT + " answered no positive numeric id");
    }

    private static JsonObject object(String what, JsonElement element) {
        if (element == null || !element.isJsonObject()) {
            throw new AuthException(ErrorCode.PROVIDER_BACKEND, what + " answered something other than a JSON object");
        }
        return element.getAsJsonObject();
    }

    /**
     * A string field: null when absent or JSON null, or when longer than {@code max} or not safe to
     * store (a profile field is dropped rather than failing the log-in); a field of another type is
     * an error.
     */
    private static String text(JsonObject object, String name, int max) {
        JsonElement e = object.get(name);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!(e instanceof JsonPrimitive p) || !p.isString()) {
            throw new AuthException(ErrorCode.PROVIDER_BACKEND, "GitHub answered a '" + name + "' that is not a string");
        }
        String s = p.getAsString();
        return s.length() <= max && Identity.isStorableText(s) && s.chars().noneMatch(Character::isISOControl) ? s : null;
    }

    private static boolean bool(JsonObject object, String name) {
        JsonElement e = object.get(name);
        if (!(e instanceof JsonPrimitive p) || !p.isBoolean()) {
            throw new AuthException(ErrorCode.PROVIDER_BACKEND, "GitHub answered a '" + name + "' that is not true or false");
        }
        return p.getAsBoolean();
    }

    private static String httpsUrl(String url) {
        HttpUrl parsed = url == null ? null : HttpUrl.parse(url);
        return parsed != null && parsed.isHttps() ? url : null;
    }

    private static boolean printableWithoutSpace(String s) {
        return s.chars().allMatch(c -> c > ' ' && c <= '~');
    }
}
