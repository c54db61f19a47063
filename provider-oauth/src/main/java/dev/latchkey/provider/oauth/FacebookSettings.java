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
 * The {@code oauth2-facebook} section of the configuration ({@code docs/providers/oauth2-facebook.md}
 * lists every setting with its default). Bound by the engine; every check here fails start-up with
 * a CONFIGURATION error that names the setting, never its value. {@link #toString()} never shows
 * the app secret.
 *
 * @param appId the App ID from the Meta app dashboard (digits); required
 * @param appSecret the App Secret from the Meta app dashboard; required. With the app id it makes
 *     the app access token {@code appId|appSecret} that {@code debug_token} needs
 * @param graphApiBase where the Graph API is; default {@value #DEFAULT_GRAPH_API_BASE}. https, or
 *     http to this machine only (tests)
 * @param graphApiVersion the Graph API version in every path; default {@value #DEFAULT_GRAPH_API_VERSION}
 * @param metadataFields the profile fields asked of {@code /me}; default {@link #DEFAULT_METADATA_FIELDS};
 *     only those of {@link #ALLOWED_METADATA_FIELDS}
 * @param timeout how long one Graph API call may take; default PT10S, at most PT30S
 */
public record FacebookSettings(String appId, String appSecret, String graphApiBase, String graphApiVersion,
                               List<String> metadataFields, Duration timeout) {
    /** The real Graph API. */
    public static final String DEFAULT_GRAPH_API_BASE = "https://graph.facebook.com";
    /** The Graph API version used unless configured. */
    public static final String DEFAULT_GRAPH_API_VERSION = "v21.0";
    /** The profile fields asked for unless configured. */
    public static final List<String> DEFAULT_METADATA_FIELDS = List.of("name", "first_name", "last_name", "email", "picture");
    /** The profile fields that may be asked for: those the App Services user profile holds. */
    public static final Set<String> ALLOWED_METADATA_FIELDS =
            Set.of("name", "first_name", "last_name", "email", "picture", "gender", "birthday", "age_range");
    /** The timeout unless configured. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** The longest timeout accepted. */
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(30);

    private static final Pattern APP_ID = Pattern.compile("[0-9]{1,32}");
    private static final Pattern VERSION = Pattern.compile("v[0-9]{1,3}\\.[0-9]{1,3}");
    private static final int MAX_SECRET_LENGTH = 256;

    /**
     * Checks the settings and fills defaults.
     *
     * @param appId see the record description
     * @param appSecret see the record description
     * @param graphApiBase see the record description
     * @param graphApiVersion see the record description
     * @param metadataFields see the record description
     * @param timeout see the record description
     */
    public FacebookSettings {
        if (appId == null || appId.isBlank()) {
            throw new IllegalArgumentException("appId is required: the App ID from the Meta app dashboard");
        }
        if (!APP_ID.matcher(appId).matches()) {
            throw new IllegalArgumentException("appId must be the numeric App ID from the Meta app dashboard");
        }
        if (appSecret == null || appSecret.isBlank()) {
            throw new IllegalArgumentException("appSecret is required: the App Secret from the Meta app dashboard");
        }
        if (appSecret.length() > MAX_SECRET_LENGTH || !printableWithoutSpace(appSecret)) {
            throw new IllegalArgumentException("appSecret must be 1-" + MAX_SECRET_LENGTH + " printable ASCII characters without spaces");
        }
        graphApiBase = checkedBase(graphApiBase == null ? DEFAULT_GRAPH_API_BASE : graphApiBase);
        graphApiVersion = graphApiVersion == null ? DEFAULT_GRAPH_API_VERSION : graphApiVersion;
        if (!VERSION.matcher(graphApiVersion).matches()) {
            throw new IllegalArgumentException("graphApiVersion must look like \"" + DEFAULT_GRAPH_API_VERSION + "\"");
        }
        metadataFields = checkedFields(metadataFields == null ? DEFAULT_METADATA_FIELDS : metadataFields);
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("timeout must be more than zero and at most " + MAX_TIMEOUT);
        }
    }

    /** The app access token Graph's {@code debug_token} asks for. Never logged. */
    String appAccessToken() {
        return appId + "|" + appSecret;
    }

    HttpUrl endpoint(String name) {
        return HttpUrl.get(graphApiBase).newBuilder().addPathSegment(graphApiVersion).addPathSegment(name).build();
    }

    /** Every setting but the app secret. */
    @Override
    public String toString() {
        return "FacebookSettings[appId=" + appId + ", appSecret=(hidden), graphApiBase=" + graphApiBase
                + ", graphApiVersion=" + graphApiVersion + ", metadataFields=" + metadataFields + ", timeout=" + timeout + "]";
    }

    private static String checkedBase(String base) {
        HttpUrl url = HttpUrl.parse(base);
        if (url == null) {
            throw new IllegalArgumentException("graphApiBase must be an absolute https URL");
        }
        if (url.query() != null || url.fragment() != null || url.username().length() > 0 || url.password().length() > 0) {
            throw new IllegalArgumentException("graphApiBase must have no query, fragment or user info");
        }
        if (url.scheme().equals("http") && !isLoopback(url.host())) {
            throw new IllegalArgumentException("graphApiBase must use https: the calls carry access tokens (http only for localhost)");
        }
        String text = url.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    private static List<String> checkedFields(List<String> fields) {
        Set<String> out = new LinkedHashSet<>();
        for (String f : fields) {
            if (f == null || !ALLOWED_METADATA_FIELDS.contains(f)) {
                // The value is not echoed: a misplaced secret must not reach the log.
                throw new IllegalArgumentException("metadataFields may hold only " + new ArrayList<>(new java.util.TreeSet<>(ALLOWED_METADATA_FIELDS)));
            }
            out.add(f);
        }
        return List.copyOf(out);
    }

    private static boolean printableWithoutSpace(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }

    private static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("127.0.0.1") || h.equals("::1");
    }
}
