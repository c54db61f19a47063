package dev.latchkey.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What a user presents to log in: a provider type and the payload that provider reads, in the
 * shape App Services sends on the wire ({@code {"username": ..., "password": ...}} for
 * {@code local-userpass}, {@code {"key": ...}} for {@code api-key}, and so on).
 *
 * <p>Immutable and thread-safe. The payload is a deep, unmodifiable copy made of JSON values
 * only: {@code null}, {@link String}, {@link Number}, {@link Boolean}, {@code List} and
 * {@code Map<String, ?>}, nested at most {@value #MAX_DEPTH} levels.
 *
 * <p>Secrets stay secret: {@link #toString()} shows the provider type and the field names, never
 * a value; {@link #equals(Object)} compares string values in constant time and
 * {@link #hashCode()} is computed from the type and field names only.
 */
public final class Credentials {
    /** How deeply payload maps and lists may nest. */
    public static final int MAX_DEPTH = JsonValues.MAX_DEPTH;
    /** At most this many field names appear in {@link #toString()}. */
    public static final int SHOWN_FIELDS = 8;
    /** A field name in {@link #toString()} is cut to this many characters. */
    public static final int SHOWN_NAME_LENGTH = 40;

    private final String providerType;
    private final Map<String, Object> payload;
    private final boolean reuseExisting;

    private Credentials(String providerType, Map<String, Object> payload, boolean reuseExisting) {
        this.providerType = providerType;
        this.payload = payload;
        this.reuseExisting = reuseExisting;
    }

    /**
     * Anonymous log-in that reuses a logged-in anonymous user when the app has one.
     *
     * @return credentials for {@code anon-user} with the payload {@code {}}
     */
    public static Credentials anonymous() {
        return anonymous(true);
    }

    /**
     * Anonymous log-in.
     *
     * @param reuseExisting when true and the app already has a logged-in anonymous user, that
     *     user is returned instead of a new one (the Realm SDKs' rule)
     * @return credentials for {@code anon-user} with the payload {@code {}}
     */
    public static Credentials anonymous(boolean reuseExisting) {
        return new Credentials(ProviderTypes.ANONYMOUS, Map.of(), reuseExisting);
    }

    /**
     * Email address and password.
     *
     * @param email the account's email address
     * @param password the password
     * @return credentials for {@code local-userpass}: {@code {"username", "password"}}
     */
    public static Credentials emailPassword(String email, String password) {
        return typed(ProviderTypes.EMAIL_PASSWORD, "username", email, "password", password);
    }

    /**
     * A user or server API key.
     *
     * @param key the key's value as shown once at creation
     * @return credentials for {@code api-key}: {@code {"key"}}
     */
    public static Credentials apiKey(String key) {
        return typed(ProviderTypes.API_KEY, "key", key);
    }

    /**
     * A JWT from the application's own authentication system.
     *
     * @param token the compact JWT
     * @return credentials for {@code custom-token}: {@code {"token"}}
     */
    public static Credentials jwt(String token) {
        return typed(ProviderTypes.CUSTOM_TOKEN, "token", token);
    }

    /**
     * A payload for the application's custom authentication function, sent as it is.
     *
     * @param payload JSON values only
     * @return credentials for {@code custom-function} whose payload is {@code payload}
     */
    public static Credentials function(Map<String, ?> payload) {
        return of(ProviderTypes.CUSTOM_FUNCTION, payload);
    }

    /**
     * A Facebook user access token.
     *
     * @param accessToken the token from the Facebook SDK
     * @return credentials for {@code oauth2-facebook}: {@code {"accessToken"}}
     */
    public static Credentials facebook(String accessToken) {
        return typed(ProviderTypes.FACEBOOK, "accessToken", accessToken);
    }

    /**
     * A Google auth code or ID token.
     *
     * @param token the auth code or the ID token
     * @param type which of the two {@code token} is
     * @return credentials for {@code oauth2-google}: {@code {"authCode"}} or {@code {"id_token"}}
     */
    public static Credentials google(String token, GoogleCredentialType type) {
        if (type == null) {
            throw new AuthException(ErrorCode.INVALID_PARAMETER, "the Google credential type must not be null");
        }
        return typed(ProviderTypes.GOOGLE, type == GoogleCredentialType.AUTH_CODE ? "authCode" : "id_token", token);
    }

    /**
     * A Sign in with Apple ID token.
     *
     * @param idToken the identity token from Apple
     * @return credentials for {@code oauth2-apple}: {@code {"id_token"}}
     */
    public static Credentials apple(String idToken) {
        return typed(ProviderTypes.APPLE, "id_token", idToken);
    }

    /**
     * Credentials for any provider, including third-party ones.
     *
     * @param providerType the provider's type, for example {@code "oauth2-github"}
     * @param payload the fields that provider reads; JSON values only
     * @return the credentials
     * @throws AuthException {@link ErrorCode#INVALID_PARAMETER} when the type is not well formed
     *     or the payload is null; {@link ErrorCode#MALFORMED} when the payload holds a value that
     *     is not JSON, a null key, or nests too deeply
     */
    public static Credentials of(String providerType, Map<String, ?> payload) {
        if (!ProviderTypes.isWellFormed(providerType)) {
            throw new AuthException(ErrorCode.INVALID_PARAMETER,
                    "a provider type is 1-64 characters of a-z, 0-9 and '-', starting with a letter");
        }
        if (payload == null) {
            throw new AuthException(ErrorCode.INVALID_PARAMETER, "the credential payload must not be null");
        }
        return new Credentials(providerType, JsonValues.copyObject(payload, "credential payload"), false);
    }

    private static Credentials typed(String type, String field, String value) {
        requireValue(type, field, value);
        return new Credentials(type, Map.of(field, value), false);
    }

    private static Credentials typed(String type, String field1, String value1, String field2, String value2) {
        requireValue(type, field1, value1);
        requireValue(type, field2, value2);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put(field1, value1);
        payload.put(field2, value2);
        return new Credentials(type, Collections.unmodifiableMap(payload), false);
    }

    private static void requireValue(String type, String field, String value) {
        if (value == null) {
            throw new AuthException(ErrorCode.INVALID_PARAMETER,
                    "'" + field + "' must not be null in " + type + " credentials");
        }
    }

    /**
     * The provider that reads these credentials.
     *
     * @return the provider type, for example {@code "local-userpass"}
     */
    public String providerType() {
        return providerType;
    }

    /**
     * The payload, as sent to App Services: an unmodifiable deep copy.
     *
     * @return the fields of the credentials
     */
    public Map<String, Object> payload() {
        return payload;
    }

    /**
     * Reads a string field of the payload without risking a cast.
     *
     * @param field the field name
     * @return the value when the field is present and a string, otherwise empty
     */
    public Optional<String> stringField(String field) {
        Object value = payload.get(field);
        return value instanceof String s ? Optional.of(s) : Optional.empty();
    }

    /**
     * For anonymous credentials: whether a logged-in anonymous user of the app is reused.
     *
     * @return true when an existing anonymous user should be returned; false for every other type
     */
    public boolean reuseExisting() {
        return reuseExisting;
    }

    /**
     * Shows the type and field names only; values are never shown. Field names come from outside,
     * so at most {@value #SHOWN_FIELDS} are shown, each cut to {@value #SHOWN_NAME_LENGTH}
     * characters, with control and non-ASCII characters as {@code ?}: safe to put in a message or a
     * log line.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Credentials[").append(providerType).append(", fields=[");
        int shown = 0;
        for (String name : new TreeSet<>(payload.keySet())) {
            if (shown == SHOWN_FIELDS) {
                sb.append(", +").append(payload.size() - SHOWN_FIELDS).append(" more");
                break;
            }
            sb.append(shown++ == 0 ? "" : ", ").append(printable(name));
        }
        return sb.append("]]").toString();
    }

    private static String printable(String name) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < name.length() && i < SHOWN_NAME_LENGTH; i++) {
            char c = name.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return name.length() > SHOWN_NAME_LENGTH ? sb.append("...").toString() : sb.toString();
    }

    /** Same type, same reuse flag and the same payload; strings are compared in constant time. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Credentials other)) {
            return false;
        }
        return providerType.equals(other.providerType)
                && reuseExisting == other.reuseExisting
                && sameValue(payload, other.payload);
    }

    /** Derived from the provider type and field names only, never from a value. */
    @Override
    public int hashCode() {
        return Objects.hash(providerType, payload.keySet(), reuseExisting);
    }

    private static boolean sameValue(Object a, Object b) {
        if (a instanceof String x && b instanceof String y) {
            return MessageDigest.isEqual(x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8));
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (!x.keySet().equals(y.keySet())) {
                return false;
            }
            boolean same = true;
            for (Map.Entry<?, ?> e : x.entrySet()) {
                same &= sameValue(e.getValue(), y.get(e.getKey()));
            }
            return same;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            boolean same = true;
            for (int i = 0; i < x.size(); i++) {
                same &= sameValue(x.get(i), y.get(i));
            }
            return same;
        }
        return Objects.equals(a, b);
    }
}
