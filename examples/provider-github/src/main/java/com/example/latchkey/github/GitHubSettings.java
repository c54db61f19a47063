package com.example.latchkey.github;

import java.time.Duration;
import java.util.Locale;
import okhttp3.HttpUrl;

/**
 * The {@code oauth2-github} section of the configuration, bound by the engine with
 * {@code context.settings(GitHubSettings.class)}. The compact constructor fills defaults and checks
 * every value; an {@link IllegalArgumentException} here fails start-up with {@code CONFIGURATION},
 * and its message names the setting, never a value. {@link #toString()} never shows the secret.
 *
 * @param clientId the OAuth app's Client ID; required
 * @param clientSecret the OAuth app's client secret; required
 * @param tokenUrl where codes are exchanged; default {@value #DEFAULT_TOKEN_URL}
 * @param apiUrl the REST API's root; default {@value #DEFAULT_API_URL}
 * @param timeout how long one call to GitHub may take; default 10 s, at most 30 s
 */
public record GitHubSettings(String clientId, String clientSecret, String tokenUrl, String apiUrl, Duration timeout) {
    /** GitHub's token endpoint. */
    public static final String DEFAULT_TOKEN_URL = "https://github.com/login/oauth/access_token";
    /** GitHub's REST API. */
    public static final String DEFAULT_API_URL = "https://api.github.com";
    /** The timeout unless configured. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** The longest timeout accepted. */
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(30);

    private static final int MAX_CREDENTIAL_LENGTH = 256;

    /**
     * Fills defaults and checks the values.
     *
     * @param clientId see the record description
     * @param clientSecret see the record description
     * @param tokenUrl see the record description
     * @param apiUrl see the record description
     * @param timeout see the record description
     */
    public GitHubSettings {
        requireToken("clientId", clientId);
        requireToken("clientSecret", clientSecret);
        tokenUrl = checkedUrl("tokenUrl", tokenUrl == null ? DEFAULT_TOKEN_URL : tokenUrl);
        apiUrl = checkedUrl("apiUrl", apiUrl == null ? DEFAULT_API_URL : apiUrl);
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("timeout must be more than zero and at most " + MAX_TIMEOUT);
        }
    }

    /** Every setting but the client secret. */
    @Override
    public String toString() {
        return "GitHubSettings[clientId=" + clientId + ", clientSecret=(hidden), tokenUrl=" + tokenUrl
                + ", apiUrl=" + apiUrl + ", timeout=" + timeout + "]";
    }

    /** An API path under {@link #apiUrl()}, which may carry a prefix (GitHub Enterprise: {@code /api/v3}). */
    HttpUrl api(String... segments) {
        HttpUrl.Builder url = HttpUrl.get(apiUrl).newBuilder();
        for (String segment : segments) {
            url.addPathSegment(segment);
        }
        return url.build();
    }

    private static void requireToken(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required: see the OAuth app's page on GitHub");
        }
        if (value.length() > MAX_CREDENTIAL_LENGTH || !value.chars().allMatch(c -> c > ' ' && c <= '~')) {
            throw new IllegalArgumentException(name + " must be 1-" + MAX_CREDENTIAL_LENGTH
                    + " printable ASCII characters without spaces");
        }
    }

    /** https, or http to this machine (tests); no query, fragment or user info; no trailing slash. */
    private static String checkedUrl(String name, String value) {
        HttpUrl url = HttpUrl.parse(value);
        if (url == null) {
            throw new IllegalArgumentException(name + " must be an absolute https URL");
        }
        if (url.query() != null || url.fragment() != null || !url.username().isEmpty() || !url.password().isEmpty()) {
            throw new IllegalArgumentException(name + " must have no query, fragment or user info");
        }
        if (url.scheme().equals("http") && !isLoopback(url.host())) {
            throw new IllegalArgumentException(name + " must use https: the calls carry the client secret and"
                    + " access tokens (plain http only to localhost)");
        }
        String text = url.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    private static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("127.0.0.1") || h.equals("::1");
    }
}
