package dev.latchkey.provider.oauth;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import okhttp3.HttpUrl;

/**
 * The {@code oauth2-apple} section of the configuration ({@code docs/providers/oauth2-apple.md}
 * lists every setting with its default). Bound by the engine; every check here fails start-up
 * with a CONFIGURATION error that names the setting, never its value.
 *
 * @param clientIds the app's bundle id and/or its Services ID: an ID token's {@code aud} must equal
 *     one of them (required, 1-20 entries)
 * @param requireNonce every log-in must carry a {@code nonce} whose SHA-256 (lowercase hex) is the
 *     token's {@code nonce} claim (default false; a nonce given in the credentials is checked either way)
 * @param jwksUri Apple's signing keys (default {@value #DEFAULT_JWKS_URI}); https, or http to this machine only
 * @param issuer the {@code iss} every token must carry (default {@value #DEFAULT_ISSUER})
 * @param timeout how long one call to Apple may take (default PT10S, at most PT30S)
 * @param clockSkew how far the clocks may disagree when checking {@code exp} and {@code iat}
 *     (default PT60S, at most PT5M)
 * @param jwksRefetchInterval the least time between two fetches of the keys when a token names an
 *     unknown key (default PT30S, PT1S to PT1H): a flood of made-up key ids costs one fetch per interval
 */
public record AppleSettings(List<String> clientIds, Boolean requireNonce, String jwksUri, String issuer, Duration timeout,
                            Duration clockSkew, Duration jwksRefetchInterval) {
    /** Where Apple publishes its signing keys. */
    public static final String DEFAULT_JWKS_URI = "https://appleid.apple.com/auth/keys";
    /** The issuer of Apple's ID tokens. */
    public static final String DEFAULT_ISSUER = "https://appleid.apple.com";
    /** The most client ids: an app has a bundle id per platform and a Services ID or two. */
    public static final int MAX_CLIENT_IDS = 20;

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration MAX_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DEFAULT_SKEW = Duration.ofSeconds(60);
    private static final Duration MAX_SKEW = Duration.ofMinutes(5);
    private static final Duration DEFAULT_REFETCH = Duration.ofSeconds(30);
    private static final Duration MIN_REFETCH = Duration.ofSeconds(1);
    private static final Duration MAX_REFETCH = Duration.ofHours(1);

    /**
     * Fills defaults and checks every setting.
     *
     * @param clientIds see the record description
     * @param requireNonce see the record description
     * @param jwksUri see the record description
     * @param issuer see the record description
     * @param timeout see the record description
     * @param clockSkew see the record description
     * @param jwksRefetchInterval see the record description
     */
    public AppleSettings {
        clientIds = checkedClientIds(clientIds);
        requireNonce = Boolean.TRUE.equals(requireNonce);
        jwksUri = jwksUri == null ? DEFAULT_JWKS_URI : jwksUri;
        checkJwksUri(jwksUri);
        issuer = issuer == null ? DEFAULT_ISSUER : issuer;
        if (issuer.isBlank() || issuer.length() > 255 || !printableAscii(issuer)) {
            throw new IllegalArgumentException("issuer must be 1-255 printable ASCII characters");
        }
        timeout = between("timeout", timeout == null ? DEFAULT_TIMEOUT : timeout, Duration.ofMillis(1), MAX_TIMEOUT);
        clockSkew = between("clockSkew", clockSkew == null ? DEFAULT_SKEW : clockSkew, Duration.ZERO, MAX_SKEW);
        jwksRefetchInterval = between("jwksRefetchInterval", jwksRefetchInterval == null ? DEFAULT_REFETCH : jwksRefetchInterval,
                MIN_REFETCH, MAX_REFETCH);
    }

    private static List<String> checkedClientIds(List<String> ids) {
        if (ids == null || ids.isEmpty()) {
            throw new IllegalArgumentException("clientIds is required: the app's bundle id and/or its Services ID");
        }
        if (ids.size() > MAX_CLIENT_IDS) {
            throw new IllegalArgumentException("clientIds holds at most " + MAX_CLIENT_IDS + " ids");
        }
        Set<String> unique = new LinkedHashSet<>();
        for (String id : ids) {
            if (id == null || id.isBlank() || id.length() > 255 || !printableAscii(id)) {
                throw new IllegalArgumentException("clientIds: every id is 1-255 printable ASCII characters");
            }
            unique.add(id);
        }
        return List.copyOf(unique);
    }

    /** Plain http would let anyone on the path swap Apple's keys for theirs: only for this machine (fakes, tests). */
    private static void checkJwksUri(String uri) {
        HttpUrl url = HttpUrl.parse(uri);
        if (url == null) {
            throw new IllegalArgumentException("jwksUri must be an absolute https URL");
        }
        if (!url.isHttps() && !isLoopback(url.host())) {
            throw new IllegalArgumentException("jwksUri must use https (plain http only for localhost)");
        }
    }

    private static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("127.0.0.1") || h.equals("::1");
    }

    private static Duration between(String name, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
        }
        return value;
    }

    private static boolean printableAscii(String s) {
        return s.chars().allMatch(c -> c >= 0x20 && c <= 0x7e);
    }
}
