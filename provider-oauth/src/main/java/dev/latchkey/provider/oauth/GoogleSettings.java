package dev.latchkey.provider.oauth;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;

/**
 * The {@code oauth2-google} section of the configuration ({@code docs/providers/oauth2-google.md}
 * lists every setting with its default). Bound by the engine; every check here fails start-up with
 * a CONFIGURATION error that names the setting, never its value. {@link #toString()} never shows
 * the client secret.
 *
 * @param clientId the OAuth client id of the app's web client ({@code ...apps.googleusercontent.com}):
 *     the client auth codes are exchanged for, and an accepted {@code aud} of ID tokens. Required.
 * @param additionalClientIds further client ids (Android, iOS) whose ID tokens are accepted; default none
 * @param clientSecret the web client's secret; required to accept auth codes, not needed for ID tokens only
 * @param redirectUri the {@code redirect_uri} sent with an auth code: the one the client used to get
 *     the code. Default {@code "postmessage"}, what Google's JavaScript (popup) and mobile
 *     server-auth-code flows use
 * @param openId true (default): the profile comes from the verified ID token; false: it is fetched
 *     from the userinfo endpoint with the access token an auth code brings (ID tokens sent directly
 *     always use their own claims)
 * @param hostedDomain when set, only accounts of this Google Workspace domain ({@code hd} claim) are accepted
 * @param tokenEndpoint default {@value #DEFAULT_TOKEN_ENDPOINT}
 * @param jwksUri Google's signing keys; default {@value #DEFAULT_JWKS_URI}
 * @param userinfoEndpoint default {@value #DEFAULT_USERINFO_ENDPOINT}
 * @param timeout the longest one call to Google may take; default PT10S, at most PT30S
 * @param clockSkew tolerance for {@code exp}, {@code iat}, {@code nbf}; default PT60S, at most PT5M
 * @param jwksRefetchInterval the shortest time between two fetches of the keys caused by an unknown
 *     {@code kid}; default PT30S, between PT1S and PT1H
 */
public record GoogleSettings(String clientId, List<String> additionalClientIds, String clientSecret, String redirectUri,
                             Boolean openId, String hostedDomain, String tokenEndpoint, String jwksUri,
                             String userinfoEndpoint, Duration timeout, Duration clockSkew, Duration jwksRefetchInterval) {

    /** Google's OAuth 2.0 token endpoint. */
    public static final String DEFAULT_TOKEN_ENDPOINT = "https://oauth2.googleapis.com/token";
    /** Google's JWK Set, the keys ID tokens are signed with. */
    public static final String DEFAULT_JWKS_URI = "https://www.googleapis.com/oauth2/v3/certs";
    /** Google's OpenID Connect userinfo endpoint. */
    public static final String DEFAULT_USERINFO_ENDPOINT = "https://openidconnect.googleapis.com/v1/userinfo";
    /** The redirect URI of Google's JavaScript and mobile server-auth-code flows. */
    public static final String DEFAULT_REDIRECT_URI = "postmessage";
    /** The default timeout of one call. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** The longest timeout accepted. */
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(30);
    /** The default clock skew. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
    /** The largest clock skew accepted. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    /** The default shortest time between refetches of the keys. */
    public static final Duration DEFAULT_JWKS_REFETCH_INTERVAL = Duration.ofSeconds(30);

    private static final int MAX_CLIENT_IDS = 20;
    private static final Pattern CLIENT_ID = Pattern.compile("[\\x21-\\x7e]{1,256}");
    private static final Pattern SECRET = Pattern.compile("[\\x21-\\x7e]{1,512}");
    private static final Pattern DOMAIN = Pattern.compile("(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}");

    /**
     * Fills defaults and checks every value.
     *
     * @param clientId see the record description
     * @param additionalClientIds see the record description
     * @param clientSecret see the record description
     * @param redirectUri see the record description
     * @param openId see the record description
     * @param hostedDomain see the record description
     * @param tokenEndpoint see the record description
     * @param jwksUri see the record description
     * @param userinfoEndpoint see the record description
     * @param timeout see the record description
     * @param clockSkew see the record description
     * @param jwksRefetchInterval see the record description
     * @throws IllegalArgumentException naming the setting that is missing or wrong
     */
    public GoogleSettings {
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("clientId is required: the OAuth client id from the Google Cloud Console");
        }
        checkClientId("clientId", clientId);
        additionalClientIds = additionalClientIds == null ? List.of() : List.copyOf(new ArrayList<>(additionalClientIds));
        if (additionalClientIds.size() > MAX_CLIENT_IDS) {
            throw new IllegalArgumentException("additionalClientIds holds at most " + MAX_CLIENT_IDS + " client ids");
        }
        for (String id : additionalClientIds) {
            checkClientId("additionalClientIds", id);
        }
        if (clientSecret != null && !SECRET.matcher(clientSecret).matches()) {
            throw new IllegalArgumentException("clientSecret must be 1-512 printable ASCII characters without spaces");
        }
        redirectUri = redirectUri == null ? DEFAULT_REDIRECT_URI : redirectUri;
        if (!redirectUri.equals(DEFAULT_REDIRECT_URI) && !isAbsoluteHttpUrl(redirectUri, false)) {
            throw new IllegalArgumentException("redirectUri must be \"postmessage\" or an absolute http(s) URL");
        }
        openId = openId == null || openId;
        if (hostedDomain != null) {
            hostedDomain = hostedDomain.toLowerCase(Locale.ROOT);
            if (!DOMAIN.matcher(hostedDomain).matches()) {
                throw new IllegalArgumentException("hostedDomain must be a domain name such as example.com");
            }
        }
        tokenEndpoint = endpoint("tokenEndpoint", tokenEndpoint, DEFAULT_TOKEN_ENDPOINT);
        jwksUri = endpoint("jwksUri", jwksUri, DEFAULT_JWKS_URI);
        userinfoEndpoint = endpoint("userinfoEndpoint", userinfoEndpoint, DEFAULT_USERINFO_ENDPOINT);
        timeout = bounded("timeout", timeout, DEFAULT_TIMEOUT, Duration.ofMillis(1), MAX_TIMEOUT);
        clockSkew = bounded("clockSkew", clockSkew, DEFAULT_CLOCK_SKEW, Duration.ZERO, MAX_CLOCK_SKEW);
        jwksRefetchInterval = bounded("jwksRefetchInterval", jwksRefetchInterval, DEFAULT_JWKS_REFETCH_INTERVAL,
                Duration.ofSeconds(1), Duration.ofHours(1));
    }

    /**
     * Every client id an ID token may be issued to: {@link #clientId()} and {@link #additionalClientIds()}.
     *
     * @return the client ids, {@code clientId} first
     */
    public Set<String> clientIds() {
        Set<String> all = new LinkedHashSet<>();
        all.add(clientId);
        all.addAll(additionalClientIds);
        return Set.copyOf(all);
    }

    /** Every setting but the client secret, which shows only whether it is set. */
    @Override
    public String toString() {
        return "GoogleSettings[clientId=" + clientId + ", additionalClientIds=" + additionalClientIds
                + ", clientSecret=" + (clientSecret == null ? "(not set)" : "(set)") + ", redirectUri=" + redirectUri
                + ", openId=" + openId + ", hostedDomain=" + hostedDomain + ", tokenEndpoint=" + tokenEndpoint
                + ", jwksUri=" + jwksUri + ", userinfoEndpoint=" + userinfoEndpoint + ", timeout=" + timeout
                + ", clockSkew=" + clockSkew + ", jwksRefetchInterval=" + jwksRefetchInterval + "]";
    }

    private static void checkClientId(String name, String id) {
        if (id == null || !CLIENT_ID.matcher(id).matches()) {
            throw new IllegalArgumentException(name + " must hold client ids of 1-256 printable ASCII characters without spaces");
        }
    }

    /** An endpoint: https, or http to this machine only (for fakes); the default when absent. */
    private static String endpoint(String name, String value, String fallback) {
        String url = value == null ? fallback : value;
        if (!isAbsoluteHttpUrl(url, true)) {
            throw new IllegalArgumentException(name + " must be an absolute https URL (plain http only to localhost)");
        }
        return url;
    }

    private static boolean isAbsoluteHttpUrl(String url, boolean httpOnlyToLoopback) {
        if (url.length() > 2048 || !url.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            return false;
        }
        HttpUrl parsed = HttpUrl.parse(url);
        if (parsed == null || parsed.fragment() != null) {
            return false;
        }
        if (parsed.isHttps() || !httpOnlyToLoopback) {
            return true;
        }
        String host = parsed.host();
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("::1");
    }

    private static Duration bounded(String name, Duration value, Duration fallback, Duration min, Duration max) {
        Duration d = value == null ? fallback : value;
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
        }
        return d;
    }
}
