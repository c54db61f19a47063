package dev.latchkey.provider.oauth;

import com.google.auto.service.AutoService;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.Profile;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.ProviderContext;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * The {@code oauth2-google} provider: a Google ID token, or a server auth code exchanged at
 * Google's token endpoint, proves a Google account (see {@code docs/providers/oauth2-google.md}).
 *
 * <ul>
 *   <li>{@code {"id_token": ...}}: verified with Google's published keys ({@link IdTokenVerifier}):
 *       RS256, issuer {@code accounts.google.com} or {@code https://accounts.google.com}, audience
 *       one of the configured client ids, not expired; {@code hd} equal to {@code hostedDomain} when set.</li>
 *   <li>{@code {"authCode": ...}}: exchanged (with the client id, secret and redirect URI) for tokens;
 *       the returned ID token is verified the same way and must be issued to {@code clientId}. With
 *       {@code openId: false}, the profile comes from the userinfo endpoint instead.</li>
 * </ul>
 * The identity's subject is the account's {@code sub}. The profile takes {@code name},
 * {@code given_name}, {@code family_name}, {@code picture}, and {@code email} only when
 * {@code email_verified} is true. The code, the tokens and the client secret never appear in a
 * message, a log or {@code toString}. Thread-safe after {@link #start}.
 */
@AutoService(CredentialProvider.class)
public final class GoogleProvider implements CredentialProvider {
    /** The longest auth code accepted. */
    public static final int MAX_AUTH_CODE_LENGTH = 2048;
    /** The two spellings of Google's issuer that Google's ID tokens carry. */
    public static final Set<String> ISSUERS = Set.of("accounts.google.com", "https://accounts.google.com");

    static final String AUTH_CODE = "authCode";
    static final String ID_TOKEN = "id_token";
    private static final String BACKEND = "Google";
    /** Profile values longer than this are dropped rather than stored. */
    private static final int MAX_PROFILE_VALUE = 2048;
    private static final int MAX_EMAIL = 254;
    /** The OAuth errors of Google's token endpoint that a message may name; anything else is just "refused". */
    private static final Set<String> KNOWN_GRANT_ERRORS = Set.of("invalid_grant", "invalid_client", "unauthorized_client",
            "redirect_uri_mismatch", "invalid_request", "unsupported_grant_type", "invalid_scope", "access_denied");

    private volatile Started started;

    /** Everything start() reads and makes, so a half-started provider is never seen. */
    private record Started(GoogleSettings settings, BackendCalls calls, IdTokenVerifier verifier,
                           HttpUrl tokenEndpoint, HttpUrl userinfoEndpoint) {
    }

    /** A provider; the engine starts it. */
    public GoogleProvider() {
    }

    @Override
    public String type() {
        return ProviderTypes.GOOGLE;
    }

    @Override
    public void start(ProviderContext context) {
        GoogleSettings settings = context.settings(GoogleSettings.class);
        OkHttpClient http = context.service(OkHttpClient.class);
        Clock clock = context.clock();
        BackendCalls calls = new BackendCalls(http, BACKEND, settings.timeout());
        JwksCache keys = new JwksCache(calls, HttpUrl.get(settings.jwksUri()), clock, settings.jwksRefetchInterval());
        IdTokenVerifier verifier = new IdTokenVerifier(keys, ISSUERS, settings.clientIds(), settings.clockSkew(), clock, BACKEND);
        started = new Started(settings, calls, verifier, HttpUrl.get(settings.tokenEndpoint()),
                HttpUrl.get(settings.userinfoEndpoint()));
    }

    @Override
    public Identity authenticate(Credentials credentials) {
        Started s = started;
        if (s == null) {
            throw new AuthException(ErrorCode.INTERNAL, "the " + type() + " provider is not started");
        }
        if (credentials == null || !type().equals(credentials.providerType())) {
            throw new AuthException(ErrorCode.MALFORMED, "these are not " + type() + " credentials; this provider takes"
                    + " {\"" + AUTH_CODE + "\": ...} or {\"" + ID_TOKEN + "\": ...} of type " + type());
        }
        Map<String, Object> payload = credentials.payload();
        boolean hasCode = payload.containsKey(AUTH_CODE);
        boolean hasToken = payload.containsKey(ID_TOKEN);
        if (hasCode == hasToken) {
            throw new AuthException(ErrorCode.MALFORMED, "Google credentials hold exactly one of '" + AUTH_CODE + "' and '"
                    + ID_TOKEN + "'");
        }
        if (hasToken) {
            String token = field(credentials, ID_TOKEN, IdTokenVerifier.MAX_TOKEN_LENGTH);
            JWTClaimsSet claims = verified(s, token);
            return identity(s, claims, profileOf(claims::getClaim));
        }
        String code = field(credentials, AUTH_CODE, MAX_AUTH_CODE_LENGTH);
        return exchange(s, code);
    }

    /** A string field of printable ASCII, 1 to {@code max} characters; the message names the field, never the value. */
    private static String field(Credentials credentials, String name, int max) {
        String value = credentials.stringField(name).orElseThrow(() ->
                new AuthException(ErrorCode.MALFORMED, "'" + name + "' must be a string"));
        if (value.isEmpty() || value.length() > max) {
            throw new AuthException(ErrorCode.MALFORMED, "'" + name + "' must be 1-" + max + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new AuthException(ErrorCode.MALFORMED, "'" + name + "' must be printable ASCII without spaces");
            }
        }
        return value;
    }

    /** The verifier's checks, and Google's own: exactly one audience, the hosted domain when configured. */
    private static JWTClaimsSet verified(Started s, String token) {
        JWTClaimsSet claims = s.verifier().verify(token);
        List<String> aud = claims.getAudience();
        if (aud.size() != 1) {
            throw invalid("the Google ID token names several audiences; Google issues one");
        }
        String required = s.settings().hostedDomain();
        if (required != null) {
            Object hd = claims.getClaim("hd");
            if (!(hd instanceof String domain) || !required.equals(domain.toLowerCase(Locale.ROOT))) {
                throw invalid("the Google account is not of the hosted domain this app accepts");
            }
        }
        String sub = claims.getSubject();
        if (!Identity.isStorableText(sub)) {
            throw invalid("the Google ID token has no usable subject");
        }
        return claims;
    }

    private Identity exchange(Started s, String code) {
        GoogleSettings settings = s.settings();
        if (settings.clientSecret() == null) {
            throw new AuthException(ErrorCode.CONFIGURATION, "Google auth codes need providers." + type()
                    + ".clientSecret; only ID tokens are accepted without it");
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("code", code);
        form.put("client_id", settings.clientId());
        form.put("client_secret", settings.clientSecret());
        form.put("redirect_uri", settings.redirectUri());
        form.put("grant_type", "authorization_code");
        BackendCalls.Reply reply = s.calls().postForm(s.tokenEndpoint(), form);
        if (!reply.ok()) {
            throw refused(reply);
        }
        String idToken = BackendCalls.string(reply.body(), "id_token");
        if (idToken == null) {
            throw invalid("Google's token endpoint returned no ID token: the auth code was not granted the 'openid' scope");
        }
        JWTClaimsSet claims;
        try {
            claims = verified(s, idToken);
        } catch (AuthException e) {
            // Google just sent this token: a bad one is Google's (or the endpoint's) fault, not the user's.
            throw e.code() == ErrorCode.MALFORMED
                    ? new AuthException(ErrorCode.PROVIDER_BACKEND, "Google's token endpoint returned an ID token that is not a JWT")
                    : e;
        }
        if (!claims.getAudience().contains(settings.clientId())) {
            throw invalid("the ID token for the auth code was issued to another client id than clientId");
        }
        if (settings.openId()) {
            return identity(s, claims, profileOf(claims::getClaim));
        }
        String accessToken = BackendCalls.string(reply.body(), "access_token");
        if (accessToken == null || accessToken.isEmpty() || accessToken.length() > MAX_PROFILE_VALUE
                || !accessToken.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new AuthException(ErrorCode.PROVIDER_BACKEND, "Google's token endpoint returned no usable access token");
        }
        JsonObject userinfo = userinfo(s, accessToken);
        if (!claims.getSubject().equals(BackendCalls.string(userinfo, "sub"))) {
            throw new AuthException(ErrorCode.PROVIDER_BACKEND, "Google's userinfo is of another account than the ID token");
        }
        return identity(s, claims, profileOf(name -> json(userinfo.get(name))));
    }

    private static JsonObject userinfo(Started s, String accessToken) {
        BackendCalls.Reply reply = s.calls().getWithBearer(s.userinfoEndpoint(), accessToken);
        if (!reply.ok()) {
            throw new AuthException(ErrorCode.PROVIDER_BACKEND, "Google's userinfo endpoint answered HTTP " + reply.status());
        }
        return reply.body();
    }

    private AuthException refused(BackendCalls.Reply reply) {
        int status = reply.status();
        if (status == 400 || status == 401) {
            String error = BackendCalls.string(reply.body(), "error");
            String named = error != null && KNOWN_GRANT_ERRORS.contains(error) ? " (" + error + ")" : "";
            // Our client's configuration is not the user's fault: such refusals are the backend's (and do
            // not count as a wrong guess in the log-in throttle); only a bad code is the user's.
            return switch (error == null ? "" : error) {
                case "invalid_client", "unauthorized_client" -> new AuthException(ErrorCode.PROVIDER_BACKEND,
                        "Google refused our client" + named + ": check providers." + type() + ".clientId and clientSecret");
                case "redirect_uri_mismatch" -> new AuthException(ErrorCode.PROVIDER_BACKEND,
                        "Google refused our redirect URI" + named + ": check providers." + type() + ".redirectUri against the client's");
                default -> invalid("Google refused the auth code" + named + ": it is invalid, expired, already used, or issued to another client");
            };
        }
        return new AuthException(ErrorCode.PROVIDER_BACKEND, "Google's token endpoint answered HTTP " + status);
    }

    private Identity identity(Started s, JWTClaimsSet claims, Profile profile) {
        return new Identity(type(), claims.getSubject(), profile);
    }

    /** The profile from claims (of the ID token or of userinfo), read through {@code claim}. */
    private static Profile profileOf(Function<String, Object> claim) {
        Profile.Builder p = Profile.builder()
                .name(text(claim.apply("name"), MAX_PROFILE_VALUE))
                .firstName(text(claim.apply("given_name"), MAX_PROFILE_VALUE))
                .lastName(text(claim.apply("family_name"), MAX_PROFILE_VALUE))
                .pictureUrl(text(claim.apply("picture"), MAX_PROFILE_VALUE));
        Object verified = claim.apply("email_verified");
        // Google sends a boolean; some older tokens carried the string "true".
        if (Boolean.TRUE.equals(verified) || "true".equals(verified)) {
            p.email(text(claim.apply("email"), MAX_EMAIL));
        }
        return p.build();
    }

    /** A string value fit to store, or null. */
    private static String text(Object value, int max) {
        if (value instanceof String s && !s.isBlank() && s.length() <= max && Identity.isStorableText(s)) {
            return s;
        }
        return null;
    }

    /** A JSON primitive as the ID token's claims would give it: String or Boolean; otherwise null. */
    private static Object json(JsonElement e) {
        if (e == null || !e.isJsonPrimitive()) {
            return null;
        }
        if (e.getAsJsonPrimitive().isBoolean()) {
            return e.getAsBoolean();
        }
        return e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
    }

    private static AuthException invalid(String message) {
        return new AuthException(ErrorCode.INVALID_CREDENTIALS, message);
    }

    @Override
    public String toString() {
        Started s = started;
        return "GoogleProvider[" + (s == null ? "not started" : "clientIds=" + s.settings().clientIds()) + "]";
    }
}
